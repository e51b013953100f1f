import { ProfconvError, peek, type FormatDescriptor } from '@profconv/model'
import { FORMATS } from './formats.js'

/**
 * Every format profconv knows, in sniffing order: each with its `name`, `description`,
 * `extensions`, and `read`/`write` where it can read or write.
 *
 * @example
 * ```ts
 * const writable = listFormats().filter((f) => f.write).map((f) => f.name)
 * ```
 */
export function listFormats(): readonly FormatDescriptor[] {
  return FORMATS
}

/**
 * The format called `name` (case-insensitive).
 *
 * @throws ProfconvError when there is none, suggesting the closest name
 *   (`unknown format 'callgrnd' (did you mean callgrind?)`).
 */
export function getFormat(name: string): FormatDescriptor {
  const format = FORMATS.find((f) => f.name === name.toLowerCase())
  if (format) return format
  const guess = closest(
    name,
    FORMATS.map((f) => f.name),
  )
  throw new ProfconvError(
    'profconv',
    `unknown format '${name}'${guess ? ` (did you mean ${guess}?)` : ''}; known: ${FORMATS.map((f) => f.name).join(', ')}`,
  )
}

/** The formats that read, in sniffing order (a merge sniffs every file of a folder). */
const READABLE = FORMATS.filter((f) => f.read)

/**
 * The readable format of `bytes` (gzip is looked through): by content first, then by the
 * file name's extension or a tool's naming pattern (`callgrind.out.<pid>`). Undefined when
 * neither tells. Sniffers see at most the first 64 KiB, so the head of a file will do.
 *
 * @param bytes - the input, or its first bytes.
 * @param fileName - the input's name or path, used only when the content does not tell.
 *
 * @example
 * ```ts
 * detectFormat(bytes, 'cpu.pb.gz')?.name // 'pprof'
 * ```
 */
export function detectFormat(bytes: Uint8Array, fileName?: string): FormatDescriptor | undefined {
  const head = peek(bytes)
  const byContent = READABLE.find((f) => f.sniff?.(head))
  if (byContent) return byContent
  const name = fileName?.toLowerCase().replace(/\.gz$/, '') ?? ''
  const base = name.slice(name.lastIndexOf('/') + 1)
  return READABLE.find(
    (f) =>
      f.extensions.some((ext) => name.endsWith(ext)) || f.fileNames?.some((re) => re.test(base)),
  )
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c)
    if (d < bestDistance) [best, bestDistance] = [c, d]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]
}
