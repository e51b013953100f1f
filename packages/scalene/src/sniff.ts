import { decodeText } from '@profconv/model'

/** A JSON object whose first 4 KiB name scalene's `elapsed_time_sec` and a memory field of it. */
export function sniffScalene(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 4096)).trimStart()
  return (
    text.startsWith('{') &&
    /"elapsed_time_sec"\s*:/.test(text) &&
    /"(alloc_samples|max_footprint_mb|growth_rate)"\s*:/.test(text)
  )
}
