import { decodeText } from '@profconv/model'

/** True for a Web Inspector recording export: `{"version":1,"recording":{…"displayName"…`. */
export function sniffSafari(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 4096))
  return (
    /^\s*\{\s*"version"\s*:\s*\d+\s*,\s*"recording"\s*:\s*\{/.test(text) &&
    /"(displayName|instrumentTypes|sampleStackTraces)"\s*:/.test(text)
  )
}
