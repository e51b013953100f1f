import {
  FrameTable,
  LineSplitter,
  ProfconvError,
  SamplesBuilder,
  forEachInputChunk,
  maybeGunzip,
  newMeta,
  type Metric,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

const FORMAT = 'folded'

export interface FoldedReadOptions extends ReadOptions {
  /** Skip bad lines (counted in a note) instead of failing on the first. */
  lenient?: boolean
  /** Bytes handed to the line splitter at a time (tests use tiny chunks). Default 1 MiB. */
  chunkSize?: number
  /**
   * Read a `name (file:line)` frame as one function per line, the whole text its name (as
   * before issue 13), rather than the function (name, file) executing that line.
   */
  framePerLine?: boolean
}

/** The metric of plain folded stacks; the differential form has `before` and `after`. */
export const SAMPLES: Metric = { name: 'samples', unit: 'count' }
export const DIFFERENTIAL: readonly Metric[] = [
  { name: 'before', unit: 'count' },
  { name: 'after', unit: 'count' },
]

/**
 * Reads Brendan Gregg's folded (collapsed) stacks: one `root;caller;leaf COUNT` per line, root
 * first, integer or decimal counts. The first line decides between one count and the two-count
 * differential form (`stack BEFORE AFTER`, as difffolded.pl writes). Names are kept whole,
 * `perf script` suffixes such as `_[k]` included. A frame `name (file:line)` (py-spy's default
 * `raw` output, austin `-a`) is the function (name, file) executing that 1-based line: the line
 * goes on the stack-tree node (when `options.positions` is not false), so one function is one
 * frame however many of its lines were sampled (`framePerLine` keeps a frame per line).
 * UTF-8 or UTF-16 with a BOM, CRLF or LF.
 */
export function readFolded(bytes: Uint8Array, options: FoldedReadOptions = {}): Profile {
  const input = maybeGunzip(bytes, FORMAT, options.maxInputSize)
  const parser = foldedParser(options)
  const step = options.chunkSize ?? 1 << 20
  for (let at = 0; at < input.length; at += step) parser.push(input.subarray(at, at + step))
  return parser.finish()
}

/**
 * The same from chunks (gzip accepted), for inputs too big to hold at once: memory grows with
 * the distinct stacks, not with the file.
 */
export async function readFoldedStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: FoldedReadOptions = {},
): Promise<Profile> {
  const parser = foldedParser(options)
  await forEachInputChunk(chunks, FORMAT, (chunk) => parser.push(chunk), options.maxInputSize)
  return parser.finish()
}

/** Reads folded lines from the chunks pushed into it; `finish` gives the profile. */
function foldedParser(options: FoldedReadOptions): {
  push(chunk: Uint8Array): void
  finish(): Profile
} {
  const frames = new FrameTable()
  let builder: SamplesBuilder | undefined
  let counts = 0
  let skipped = 0
  let firstSkipped = ''
  const stack: number[] = []
  const lines: number[] = []
  const keepLines = options.positions !== false
  const framePerLine = options.framePerLine === true
  // Each distinct frame text is read once: its frame id and line found by the text, without
  // the frame table's whole-tuple key per frame per line (half the reading time on big files).
  const entryByText = new Map<string, number>()
  const entryFrame: number[] = []
  const entryLine: number[] = []
  let linesSeen = false
  const entryOf = (text: string) => {
    let entry = entryByText.get(text)
    if (entry === undefined) {
      const at = framePerLine ? undefined : sourceLine(text)
      const frame = at ? { name: at.name, file: at.file } : { name: text }
      entry = entryFrame.push(frames.intern(frame)) - 1
      entryLine.push(at ? at.line : 0)
      if (at) linesSeen = true
      entryByText.set(text, entry)
    }
    return entry
  }
  const bad = (reason: string, lineNo: number) => {
    if (!options.lenient) throw new ProfconvError(FORMAT, reason, { line: lineNo })
    if (skipped++ === 0) firstSkipped = `line ${lineNo}: ${reason}`
  }

  const splitter = new LineSplitter((line, lineNo) => {
    if (line.trim() === '') return
    let end = trimEnd(line)
    const values: number[] = []
    for (let k = 0; k < (counts || 2); k++) {
      const space = lastSpace(line, end)
      const value = space < 0 ? NaN : parseCount(line.slice(space + 1, end))
      if (Number.isNaN(value)) break
      values.unshift(value)
      end = trimEnd(line, space)
    }
    if (values.length === 0) return bad(`expected 'stack count', got ${quote(line)}`, lineNo)
    if (counts === 0) {
      counts = values.length
      builder = new SamplesBuilder(counts)
    } else if (values.length !== counts) {
      return bad(`expected ${counts} count(s) as on the first line, got ${quote(line)}`, lineNo)
    }
    if (end === 0) return bad(`empty stack in ${quote(line)}`, lineNo)
    stack.length = 0
    lines.length = 0
    let from = 0
    for (;;) {
      const semi = line.indexOf(';', from)
      const stop = semi < 0 || semi > end ? end : semi
      const entry = entryOf(line.slice(from, stop))
      stack.push(entryFrame[entry])
      lines.push(entryLine[entry])
      if (stop === end) break
      from = stop + 1
    }
    if (!linesSeen || !keepLines) return builder!.addStack(stack, values)
    const tree = builder!.tree
    let node = -1
    for (let k = 0; k < stack.length; k++) node = tree.child(node, stack[k], lines[k])
    builder!.add(node, values)
  })

  return {
    push: (chunk) => splitter.push(chunk),
    finish() {
      splitter.end()
      const meta = newMeta(FORMAT)
      if (skipped > 0) meta.notes.push(`skipped ${skipped} bad line(s) (first: ${firstSkipped})`)
      return {
        metrics: counts === 2 ? DIFFERENTIAL.map((m) => ({ ...m })) : [{ ...SAMPLES }],
        defaultMetric: counts === 2 ? 1 : 0,
        frames,
        samples: (builder ?? new SamplesBuilder(1)).finish(),
        meta,
      }
    },
  }
}

/**
 * The function and line of a frame `name (file:line)` (py-spy's raw frames, austin `-a`), or
 * undefined for any other text (`thread (0x7f…)`, `foo`).
 */
function sourceLine(text: string): { name: string; file: string; line: number } | undefined {
  if (text.charCodeAt(text.length - 1) !== 41 /* ) */) return undefined
  const open = text.lastIndexOf(' (')
  const colon = text.lastIndexOf(':')
  if (open <= 0 || colon < open + 3 || colon === text.length - 2) return undefined
  for (let i = colon + 1; i < text.length - 1; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return undefined
  }
  const line = Number(text.slice(colon + 1, -1))
  if (line > 0x7fffffff) return undefined
  return { name: text.slice(0, open), file: text.slice(open + 2, colon), line }
}

/** A non-negative integer or decimal count, NaN for anything else. */
function parseCount(token: string): number {
  if (token === '') return NaN
  let dot = false
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i)
    if (c === 46 /* . */ && !dot && i > 0) dot = true
    else if (c < 48 || c > 57) return NaN
  }
  // Hundreds of digits overflow a double: not a count.
  const count = Number(token)
  return count === Infinity ? NaN : count
}

function lastSpace(line: string, end: number): number {
  for (let i = end - 1; i >= 0; i--) {
    const c = line.charCodeAt(i)
    if (c === 32 || c === 9) return i
  }
  return -1
}

function trimEnd(line: string, end = line.length): number {
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--
  return end
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)
}
