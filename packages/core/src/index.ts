/**
 * profconv as a library: the format registry, detection, reading and `convert()`. Every reader
 * and writer works on `Uint8Array` and strings, with no Node built-in: it runs in browsers too.
 *
 * ```ts
 * import { convert, detectFormat, listFormats } from '@profconv/core'
 * const { output, notes } = convert(bytes, { to: 'speedscope' })
 * ```
 *
 * @packageDocumentation
 * @module @profconv/core
 */
export { FORMATS } from './formats.js'
export { detectFormat, getFormat, listFormats } from './registry.js'
export { convert, inputFormat, keepsPositions, prepareFor, readInput } from './convert.js'
export type { ConvertOptions, ReadInputOptions } from './convert.js'
export { summarize } from './summary.js'
export { infoText } from './info-text.js'
export type { MetricSummary, ProfileSummary } from './summary.js'
