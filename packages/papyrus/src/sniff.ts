import { decodeText } from '@profconv/model'

/** True when the first event line (after `… log opened`) is a Papyrus profiler event. */
export function sniffPapyrus(head: Uint8Array): boolean {
  const lines = decodeText(head.subarray(0, 4096))
    .split('\n')
    .filter((l) => l.trim() !== '')
  const first = / log opened\b/.test(lines[0] ?? '') ? lines[1] : lines[0]
  return /^\d+:(PUSH|POP|QUEUE_PUSH|QUEUE_POP|START|STOP):\d+(:|\s*$)/.test(first ?? '')
}
