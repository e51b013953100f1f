import { gunzipSync } from 'node:zlib'
import {
  ProfconvError,
  checkPositions,
  dumpGraph,
  dumpPositions,
  graphOf,
  isGzip,
  peek,
  positionsOf,
  type FormatDescriptor,
  type Profile,
} from '@profconv/model'
import { READERS } from './corpus.js'

/**
 * What every reader promises on any input, however hostile. Bounds are coarse: they catch a hang
 * or an allocation driven by a declared length, not a slow path.
 */
export const BOUNDS = {
  /**
   * Wall time of one read: `timeMs` plus `timeMsPerByte` for each input byte, gunzipped
   * (generous: the machine is shared and a major GC of the test process can take seconds; a
   * hang or a quadratic blow-up passes it by far).
   */
  timeMs: 5000,
  timeMsPerByte: 0.01,
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
  if (elapsed > BOUNDS.timeMs + plainSize(bytes) * BOUNDS.timeMsPerByte)
    broken(format, bytes, `took ${Math.round(elapsed)} ms`)
  if (grown > BOUNDS.memoryBytes) broken(format, bytes, `allocated ${grown >> 20} MiB`)
  if (result instanceof ProfconvError) {
    if (/[\r\n]/.test(result.message))
      broken(format, bytes, `error message spans lines: ${JSON.stringify(result.message)}`)
    return 'error'
  }
  if (!Array.isArray(result) || result.length === 0 || !result.every(isProfile))
    broken(format, bytes, `returned ${describe(result)}`)
  for (const profile of result) {
    const bad = nonFinite(profile)
    if (bad) broken(format, bytes, `returned a profile with ${bad}`)
    // Position detail adds up to the graph: rows to each function's self, sites to each arc.
    const positions = positionsOf(profile)
    if (positions) {
      const check = callCatching(() => checkPositions(positions, graphOf(profile), format.name))
      if (check instanceof ProfconvError) broken(format, bytes, check.message)
      if (check instanceof Thrown) broken(format, bytes, describe(check))
    }
  }
  return 'profiles'
}

/**
 * Reads `bytes` through `format.readStream` in chunks of `chunkSize` and checks that the result
 * is what `read` gives: the same error, or profiles with the same call graphs.
 */
export async function streamMatchesRead(
  format: FormatDescriptor,
  bytes: Uint8Array,
  chunkSize: number,
): Promise<void> {
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize)
  }
  const options = { maxInputSize: BOUNDS.maxInputSize }
  const whole = callCatching(() => format.read!(bytes, options))
  let streamed: Profile[] | ProfconvError | Thrown
  try {
    streamed = await format.readStream!(chunks(), options)
  } catch (error) {
    streamed = error instanceof ProfconvError ? error : new Thrown(error)
  }
  const text = (r: typeof whole) =>
    r instanceof ProfconvError
      ? r.reason
      : r instanceof Thrown
        ? describe(r)
        : r.map((p) => `${dumpGraph(p)}\n${dumpPositions(p)}`).join('\n---\n')
  if (text(whole) !== text(streamed))
    broken(format, bytes, `read gave ${text(whole)} but readStream gave ${text(streamed)}`)
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

/** Where a profile holds a value that is not a finite number (NaN, ±Infinity), if anywhere. */
function nonFinite(p: Profile): string | undefined {
  for (const column of p.samples?.values ?? []) {
    for (const v of column) if (!Number.isFinite(v)) return `a sample value of ${v}`
  }
  for (const n of p.graph?.nodes ?? []) {
    for (const v of [...n.self, ...n.total])
      if (!Number.isFinite(v)) return `a function cost of ${v}`
    if (n.calls !== undefined && !Number.isFinite(n.calls)) return `a call count of ${n.calls}`
  }
  for (const e of p.graph?.edges ?? []) {
    for (const v of e.total) if (!Number.isFinite(v)) return `an edge cost of ${v}`
  }
  return undefined
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

function plainSize(bytes: Uint8Array): number {
  try {
    return isGzip(bytes) ? gunzipSync(bytes).length : bytes.length
  } catch {
    return bytes.length
  }
}

function memory(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}
