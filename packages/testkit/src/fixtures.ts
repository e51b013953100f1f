import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's `test-data/` folder. */
export const testDataDir = join(dirname(fileURLToPath(import.meta.url)), '../../../test-data')

/** Absolute path of a file under `test-data/`. */
export function fixturePath(relative: string): string {
  return join(testDataDir, relative)
}

/** Bytes of a file under `test-data/`. */
export function fixture(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(relative)))
}
