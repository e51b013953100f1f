import type { FormatDescriptor } from '@profconv/model'
import { dotFormat } from '@profconv/dot'
import { pprofFormat } from '@profconv/pprof'
import { pstatsFormat, pstatsJsonFormat } from '@profconv/pstats'

/**
 * Every format profconv knows, in sniffing order (most specific first). Adding a format is one
 * package that exports a `FormatDescriptor` and one line here.
 */
export const FORMATS: readonly FormatDescriptor[] = [
  pstatsFormat,
  pstatsJsonFormat,
  pprofFormat,
  dotFormat,
]
