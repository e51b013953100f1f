/**
 * `-t list`: a source listing with per-line flat and cumulative cost, like `go tool pprof -list`.
 *
 * @packageDocumentation
 * @module @profconv/list
 */
export { writeList } from './write.js'
export type { ListOptions } from './write.js'
export { listFormat } from './format.js'
