import { decodeText } from '@profconv/model'

/** True for an xctrace table export whose schema is `time-profile` or `cpu-profile`. */
export function sniffXctrace(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 16384))
  return (
    /^\s*(<\?xml[^>]*>\s*)?<trace-query-result>/.test(text) &&
    /<schema name="(time-profile|cpu-profile)"/.test(text)
  )
}
