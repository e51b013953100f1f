import { decodeText } from '@profconv/model'

/**
 * The call graph's column header: GNU's `children`, BSD's `descendents`, GNU -T's
 * `descendants`.
 */
export const GRAPH_HEADER = /^index\s+%\s*(time\s+)?self\s+(children|descend[ae]nts)\s+called/
const FLAT_TITLE = /^flat profile:$/i
const FLAT_HEADER = /^time\s+seconds\s+seconds\b/

/**
 * True when the head of the input holds gprof's call-graph column header
 * (`index % time self children called name`, or BSD's `index %time self descendents
 * called+self name index`, `descendants` in GNU gprof -T's) or its flat profile's title and
 * column header.
 */
export function sniffGprof(head: Uint8Array): boolean {
  let flat = false
  for (const line of decodeText(head.subarray(0, 64 * 1024)).split('\n')) {
    const text = line.trim()
    if (GRAPH_HEADER.test(text)) return true
    if (FLAT_TITLE.test(text)) flat = true
    else if (flat && FLAT_HEADER.test(text)) return true
  }
  return false
}
