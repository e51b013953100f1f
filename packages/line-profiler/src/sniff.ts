/**
 * A pickle (protocol 2 or later: `0x80 <proto>`, or protocol 0/1 starting with a GLOBAL or a
 * MARK) that names line_profiler's `LineStats` class near its start.
 */
export function sniffLineProfiler(head: Uint8Array): boolean {
  if (head.length < 16) return false
  const pickle =
    (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) || head[0] === 0x63 || head[0] === 0x28
  if (!pickle) return false
  const text = new TextDecoder('latin1').decode(head.subarray(0, 512))
  const at = text.indexOf('line_profiler')
  return at >= 0 && text.indexOf('LineStats', at) > at
}
