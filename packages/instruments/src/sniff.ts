import { decodeText } from '@profconv/model'

/** True when the first line is a tab-separated call tree header ending in `Symbol Name(s)`. */
export function sniffInstruments(head: Uint8Array): boolean {
  const first = decodeText(head.subarray(0, 4096)).split('\n')[0].replace(/\r$/, '')
  return /^[\w ()]*\t.*\tSymbol Names?$/.test(first)
}
