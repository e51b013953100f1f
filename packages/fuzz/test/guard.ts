import { ProfconvError, peek, type FormatDescriptor, type Profile } from '@profconv/model'
import { READERS } from './corpus.js'

/**
 * What every reader promises on any input, however hostile. Bounds are coarse: they catch a hang
 * or an allocation driven by a declared length, not a slow path.
 */
export const BOUNDS = {
  /** Wall time of one read of a fuzzed input (at most a few hundred KiB). */
  timeMs: 3000,
  /** Growth of the JS heap plus array buffers during one read. */
  memoryBytes: 256 * 1024 ** 2,
  /** The decompression cap handed to readers, far below the 4 GiB default. */
  maxInputSize: 64 * 1024 ** 2,
}

/** What one read ended in; a broken promise throws instead. */
export type Outcome = 'profiles' | 'error'

/**
 * Reads `bytes` with `format` and checks the promise: it returns profiles or throws a
 * ProfconvError with a one-line message, within the time and memory bounds. The sniffers see the
 * input too: each answers a boolean and never throws.
 */
export function readChecked(format: FormatDescriptor, bytes: Uint8Array): Outcome {
  const head = peek(bytes)
  for (const f of READERS) {
    const answer = callCatching(() => f.sniff?.(head) ?? false)
    if (typeof answer !== 'boolean') broken(f, bytes, `sniff gave ${describe(answer)}`)
  }
  const memoryBefore = memory()
  const start = performance.now()
  const result = callCatching(() => format.read!(bytes, { maxInputSize: BOUNDS.maxInputSize }))
  const elapsed = performance.now() - start
  const grown = memory() - memoryBefore
  if (elapsed > BOUNDS.timeMs) broken(format, bytes, `took ${Math.round(elapsed)} ms`)
  if (grown > BOUNDS.memoryBytes) broken(format, bytes, `allocated ${grown >> 20} MiB`)
  if (result instanceof ProfconvError) {
    if (/[\r\n]/.test(result.message))
      broken(format, bytes, `error message spans lines: ${JSON.stringify(result.message)}`)
    return 'error'
  }
  if (!Array.isArray(result) || result.length === 0 || !result.every(isProfile))
    broken(format, bytes, `returned ${describe(result)}`)
  return 'profiles'
}

function isProfile(p: Profile): boolean {
  return (
    typeof p === 'object' &&
    Array.isArray(p.metrics) &&
    p.metrics.length > 0 &&
    p.defaultMetric >= 0 &&
    p.defaultMetric < p.metrics.length &&
    (p.samples !== undefined || p.graph !== undefined)
  )
}

function callCatching<T>(fn: () => T): T | ProfconvError | Thrown {
  try {
    return fn()
  } catch (error) {
    return error instanceof ProfconvError ? error : new Thrown(error)
  }
}

class Thrown {
  constructor(readonly error: unknown) {}
}

function describe(value: unknown): string {
  if (value instanceof Thrown) {
    const e = value.error as Error
    return `a ${e?.name ?? typeof e}: ${e?.message ?? String(e)}\n${e?.stack ?? ''}`
  }
  return typeof value
}

function broken(format: FormatDescriptor, bytes: Uint8Array, what: string): never {
  const head = Buffer.from(bytes.subarray(0, 48)).toString('hex')
  throw new Error(`${format.name} on ${bytes.length} bytes (${head}…): ${what}`)
}

function memory(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}
