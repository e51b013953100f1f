import { decodeText } from '@profconv/model'

/** True when the first line is xperf's CSV header of sampled stacks. */
export function sniffXperf(head: Uint8Array): boolean {
  const first = decodeText(head.subarray(0, 4096)).split('\n')[0]
  const names = first.split(',').map((c) => c.trim())
  return ['Process Name', 'Stack', 'Module', 'Function', 'Weight', 'Count'].every((n) =>
    names.includes(n),
  )
}
