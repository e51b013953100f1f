import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

/** Debian's Chromium, driven by playwright-core (no browser download). */
export const CHROMIUM = '/usr/bin/chromium'

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** One headless Chromium for a test file, and a scratch folder for the files it opens. */
export async function launch(): Promise<{ browser: Browser; dir: string; close(): Promise<void> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS })
  const dir = mkdtempSync(join(tmpdir(), 'profconv-flamegraph-'))
  return {
    browser,
    dir,
    close: async () => {
      await browser.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
