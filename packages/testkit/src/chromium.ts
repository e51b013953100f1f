import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'

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

/** For pages that draw with WebGL (speedscope): software rendering stands in for the GPU. */
const WEBGL = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader']

export interface ChromiumSession {
  browser: Browser
  /** A scratch folder for the files the test opens; removed by `close`. */
  dir: string
  close(): Promise<void>
}

/** One headless Chromium for a test file, and a scratch folder for the files it opens. */
export async function launchChromium(options: { webgl?: boolean } = {}): Promise<ChromiumSession> {
  const args = options.webgl ? [...FLAGS, ...WEBGL] : FLAGS
  // Loaded here, not at the top: every test file imports the testkit, few start a browser.
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args })
  const dir = mkdtempSync(join(tmpdir(), 'profconv-chromium-'))
  return {
    browser,
    dir,
    close: async () => {
      await browser.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Records a page's uncaught errors and the messages of its dialogs (`alert`, `prompt`, …), which
 * are dismissed: a test of hostile names expects both lists empty.
 */
export function watchPage(page: Page): { errors: string[]; dialogs: string[] } {
  const errors: string[] = []
  const dialogs: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  return { errors, dialogs }
}
