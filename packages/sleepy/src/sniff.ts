/**
 * True when the input is a zip whose first entry names are Very Sleepy's (`Stats.txt`,
 * `Symbols.txt`, `Callstacks.txt`, `IPCounts.txt`): read from the local file headers.
 */
export function sniffSleepy(head: Uint8Array): boolean {
  if (head.length < 30 || head[0] !== 0x50 || head[1] !== 0x4b || head[2] !== 3 || head[3] !== 4) {
    return false
  }
  const nameLength = head[26] | (head[27] << 8)
  const name = new TextDecoder().decode(head.subarray(30, 30 + nameLength)).toLowerCase()
  return ['stats.txt', 'symbols.txt', 'callstacks.txt', 'ipcounts.txt'].includes(name)
}
