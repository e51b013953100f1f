import { decodeText } from '@profconv/model'

/** True when the document opens with sysprof's `<profile>` and its `<size>` or `<objects>`. */
export function sniffSysprof(head: Uint8Array): boolean {
  return /^\s*(<\?xml[^>]*>\s*)?<profile>\s*<(size|call_tree|objects)>/.test(
    decodeText(head.subarray(0, 4096)),
  )
}
