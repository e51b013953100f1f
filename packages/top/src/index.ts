/**
 * `-t top`: a table of functions like `go tool pprof -top` and `pstats.print_stats`.
 *
 * @packageDocumentation
 * @module @profconv/top
 */
export { writeTop } from './write.js'
export type { TopOptions, TopSort } from './write.js'
export { columnUnit, formatPercent } from './units.js'
export type { ColumnUnit } from './units.js'
export { topFormat } from './format.js'
