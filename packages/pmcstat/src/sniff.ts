import { decodeText } from '@profconv/model'

/** True when the input opens with pmcstat's `@ event [N samples]` line and a call graph row. */
export function sniffPmcstat(head: Uint8Array): boolean {
  const lines = decodeText(head.subarray(0, 4096)).split('\n')
  const rows = lines.filter((l) => l.trim() !== '')
  return (
    rows.length >= 2 &&
    /^@ \S+ \[\d+ samples\]/.test(rows[0]) &&
    /^ *[\d.]+%\s+\[\d+\]\s+\S/.test(rows[1])
  )
}
