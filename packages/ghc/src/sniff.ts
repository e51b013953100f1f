import { decodeText } from '@profconv/model'

/** True when the input is a JSON object whose head has GHC's `"rts_arguments"` and `"cost_centres"`. */
export function sniffGhcProfJson(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 64 * 1024))
  return (
    text.trimStart().startsWith('{') &&
    text.includes('"rts_arguments"') &&
    (text.includes('"cost_centres"') || text.includes('"initial_capabilities"'))
  )
}
