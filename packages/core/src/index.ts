export { FORMATS } from './formats.js'
export { detectFormat, getFormat, listFormats } from './registry.js'
export { convert, inputFormat, prepareFor, readInput } from './convert.js'
export type { ConvertOptions, ReadInputOptions } from './convert.js'
