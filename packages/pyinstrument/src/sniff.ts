import { decodeText } from '@profconv/model'

/**
 * A JSON object with pyinstrument's session keys near its start (`frame_records` or
 * `start_call_stack` with `sample_count`), or its `-r json` tree (`root_frame` with
 * `sample_count` and `cpu_time`).
 */
export function sniffPyinstrument(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 4096)).trimStart()
  if (!text.startsWith('{') || !/"sample_count"\s*:/.test(text)) return false
  return (
    /"(frame_records|start_call_stack)"\s*:/.test(text) ||
    (/"root_frame"\s*:/.test(text) && /"cpu_time"\s*:/.test(text))
  )
}
