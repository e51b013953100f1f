import { peek } from '@profconv/model'

/** Header keys a callgrind or cachegrind file may start with (`key: value`). */
const HEADERS = new Set([
  'version',
  'creator',
  'pid',
  'cmd',
  'part',
  'desc',
  'positions',
  'thread',
  'event',
  'summary',
  'timeframe (bb)',
])

/**
 * True when the input starts like a callgrind (or cachegrind) file: `# callgrind format`, or
 * header lines (`version:`, `creator:`, `cmd:`, `desc:`, …) leading to an `events:` line.
 */
export function sniffCallgrind(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8').decode(peek(bytes, 16 * 1024))
  for (const raw of head.split('\n').slice(0, 200)) {
    const line = raw.trimEnd()
    if (line === '') continue
    if (line.startsWith('#')) {
      if (/^#\s*callgrind format/.test(line)) return true
      continue
    }
    if (line.startsWith('events:')) return true
    const colon = line.indexOf(':')
    if (colon < 0 || !HEADERS.has(line.slice(0, colon).trim())) return false
    if (line.startsWith('version:') && !/^version:\s*(0x)?\d+\s*$/.test(line)) return false
  }
  return false
}
