import { decodeText } from '@profconv/model'

/** True when the first line is VTune's gprof-cc header (`Index  % CPU Time:Total … Name  Index`). */
export function sniffAxe(head: Uint8Array): boolean {
  const first = decodeText(head.subarray(0, 4096)).split('\n')[0]
  return /^Index\s+%\s*\S.*:Total\s+.*:Self\s+.*:Children\s+Name\s+Index\s*$/.test(first)
}
