import {
  DEFAULT_MAX_INPUT,
  FrameTable,
  LineSplitter,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  forEachInputChunk,
  maybeGunzip,
  newMeta,
  type Frame,
  type LineReadOptions,
  type Profile,
} from '@profconv/model'
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate'

export const FORMAT = 'sleepy'

export type SleepyReadOptions = LineReadOptions

/** Default cap on the unzipped size of a capture's entries (1 GiB). */
const MAX_UNZIPPED = 1024 ** 3

/**
 * Reads a Very Sleepy capture (`.sleepy`: a zip of text files) into samples: each line of
 * `Callstacks.txt` (`seconds symN symM …`, leaf first) is a sample of that many seconds (metric
 * `time`), its symbols resolved through `Symbols.txt` (`symN "module" "procedure" "file" line`).
 * `Stats.txt` gives the duration and the date. Sleepy names entries in either case. The zip is
 * inflated as a stream and its entries read line by line: memory grows with the profile, not
 * with the capture.
 */
export function readSleepy(bytes: Uint8Array, options: SleepyReadOptions = {}): Profile[] {
  const reader = new SleepyReader(options.maxInputSize ?? MAX_UNZIPPED)
  const data = maybeGunzip(bytes, FORMAT, options.maxInputSize)
  const step = options.chunkSize ?? 1 << 20
  for (let at = 0; at < data.length; at += step) reader.push(data.subarray(at, at + step))
  return reader.finish()
}

/** The same from chunks (gzip accepted). */
export async function readSleepyStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: SleepyReadOptions = {},
): Promise<Profile[]> {
  const reader = new SleepyReader(options.maxInputSize ?? MAX_UNZIPPED)
  await forEachInputChunk(
    chunks,
    FORMAT,
    (chunk) => reader.push(chunk),
    options.maxInputSize ?? DEFAULT_MAX_INPUT,
  )
  return reader.finish()
}

const SYMBOL_LINE = /^(\S+)\s+"([^"]*)"\s+"(.*)"\s+"([^"]*)"\s+(\d+)$/
const WANTED = ['symbols.txt', 'callstacks.txt', 'stats.txt']

class SleepyReader {
  private readonly unzip: Unzip
  private size = 0
  private entries = 0
  private readonly seen = new Set<string>()
  private readonly open = new Set<string>()
  // Symbols by their id, as frames.
  private readonly frames = new FrameTable()
  private readonly symbols = new Map<string, number>()
  // Stacks are read with symbol ids numbered as met (Callstacks.txt may come first), and
  // mapped to frames at the end.
  private readonly local = new Map<string, number>()
  private readonly bySymbolNumber: number[] = []
  private readonly localNames: string[] = []
  private readonly firstLine: number[] = []
  private readonly tree = new StackTree()
  private readonly nodes: number[] = []
  private readonly seconds: number[] = []
  private readonly stack: number[] = []
  private stats = ''
  private tail = new Uint8Array(0)
  private bad: ProfconvError | undefined

  constructor(private readonly max: number) {
    this.unzip = new Unzip((file) => this.entry(file))
    this.unzip.register(UnzipInflate)
  }

  push(chunk: Uint8Array, final = false): void {
    this.keepTail(chunk)
    try {
      this.unzip.push(chunk, final)
    } catch (error) {
      if (error instanceof ProfconvError) throw error
      fail(`not a readable zip (${(error as Error).message})`)
    }
  }

  /** The last bytes seen: where the zip's end record (and its comment) must be. */
  private keepTail(chunk: Uint8Array): void {
    const want = 22 + 0xffff
    if (chunk.length >= want) this.tail = chunk.slice(chunk.length - want)
    else if (chunk.length > 0) {
      const keep = this.tail.subarray(Math.max(0, this.tail.length + chunk.length - want))
      const tail = new Uint8Array(keep.length + chunk.length)
      tail.set(keep)
      tail.set(chunk, keep.length)
      this.tail = tail
    }
  }

  /** True when the input ends with a zip's end-of-central-directory record. */
  private complete(): boolean {
    const t = this.tail
    for (let at = t.length - 22; at >= 0; at--) {
      if (t[at] === 0x50 && t[at + 1] === 0x4b && t[at + 2] === 5 && t[at + 3] === 6) return true
    }
    return false
  }

  private entry(file: UnzipFile): void {
    this.entries++
    const name = file.name.toLowerCase()
    if (!WANTED.includes(name) || this.seen.has(name)) return
    this.seen.add(name)
    this.open.add(name)
    const label = file.name
    let onText: (chunk: Uint8Array) => void
    let end: () => void
    if (name === 'stats.txt') {
      const decoder = new TextDecoder()
      onText = (chunk) => {
        if (this.stats.length < 65536) this.stats += decoder.decode(chunk, { stream: true })
      }
      end = () => (this.stats += decoder.decode())
    } else {
      const splitter = new LineSplitter(
        name === 'symbols.txt'
          ? (line, lineNo) => this.symbol(line, lineNo, label)
          : (line, lineNo) => this.callstack(line, lineNo, label),
      )
      onText = (chunk) => splitter.push(chunk)
      end = () => splitter.end()
    }
    file.ondata = (error, data, final) => {
      if (error) {
        if (error instanceof ProfconvError) throw error
        fail(`not a readable zip (${error.message})`)
      }
      this.size += data.length
      if (this.size > this.max) {
        fail(
          `the capture expands past the limit of ${this.max} bytes (raise it with --max-input-size)`,
        )
      }
      // A bad line is told at the end, after the zip has been checked: how much of a corrupt
      // entry inflates before the fault shows depends on how the input is cut.
      if (this.bad === undefined) {
        try {
          onText(data)
          if (final) end()
        } catch (error) {
          if (!(error instanceof ProfconvError)) throw error
          this.bad = error
        }
      }
      if (final) this.open.delete(name)
    }
    file.start()
  }

  private symbol(line: string, lineNo: number, entry: string): void {
    if (line.trim() === '') return
    const m = SYMBOL_LINE.exec(line)
    if (!m) fail(`${entry} line ${lineNo} is not 'symN "module" "name" "file" line'`)
    const [, id, module, name, file, number] = m
    const frame: { -readonly [K in keyof Frame]: Frame[K] } = { name }
    if (module !== '') frame.module = module
    if (file !== '' && file !== '[unknown]') frame.file = file
    if (Number(number) > 0) frame.line = Number(number)
    this.symbols.set(id, this.frames.intern(frame))
  }

  private callstack(line: string, lineNo: number, entry: string): void {
    const n = line.length
    let at = skipSpace(line, 0)
    if (at === n) return
    let end = nextSpace(line, at)
    const first = line.slice(at, end)
    const seconds = Number(first)
    if (!Number.isFinite(seconds) || seconds < 0) {
      fail(`${entry} line ${lineNo} does not start with seconds: ${first.slice(0, 40)}`)
    }
    // Symbols leaf first: collect, then insert root first.
    const stack = this.stack
    stack.length = 0
    for (at = skipSpace(line, end); at < n; at = skipSpace(line, end)) {
      end = nextSpace(line, at)
      stack.push(this.localId(line, at, end, lineNo))
    }
    stack.reverse()
    this.nodes.push(this.tree.insert(stack))
    this.seconds.push(seconds)
  }

  /** The number of the symbol `line[at, end)`: Sleepy's `symN` by N without a string. */
  private localId(line: string, at: number, end: number, lineNo: number): number {
    let number = -1
    if (end - at > 3 && end - at < 13 && line.startsWith('sym', at)) {
      number = 0
      for (let k = at + 3; k < end && number >= 0; k++) {
        const c = line.charCodeAt(k) - 0x30
        number = c >= 0 && c <= 9 ? number * 10 + c : -1
      }
      if (line.charCodeAt(at + 3) === 0x30 && end - at > 4) number = -1 // not N's own spelling
    }
    let id = number >= 0 ? this.bySymbolNumber[number] : undefined
    if (id !== undefined) return id
    const name = line.slice(at, end)
    id = this.local.get(name)
    if (id === undefined) {
      id = this.localNames.push(name) - 1
      this.local.set(name, id)
      this.firstLine.push(lineNo)
    }
    if (number >= 0) this.bySymbolNumber[number] = id
    return id
  }

  finish(): Profile[] {
    this.push(new Uint8Array(0), true)
    if (this.entries === 0) fail('not a readable zip (no zip entries)')
    for (const name of this.open) fail(`not a readable zip (it ends inside ${name})`)
    if (!this.complete()) fail('not a readable zip (no end record: the capture is cut short)')
    if (this.bad) throw this.bad
    if (!this.seen.has('symbols.txt')) fail('the capture has no Symbols.txt')
    if (!this.seen.has('callstacks.txt')) fail('the capture has no Callstacks.txt')

    // Symbol ids to frames, then the stack tree remapped (equal frames join).
    const frameOf = this.localNames.map((name, id) => {
      const frame = this.symbols.get(name)
      if (frame === undefined) {
        fail(
          `Callstacks.txt line ${this.firstLine[id]} names an unknown symbol ${name.slice(0, 40)}`,
        )
      }
      return frame
    })
    const tree = new StackTree()
    const from = this.tree.columns()
    const to = new Int32Array(from.parent.length)
    for (let k = 0; k < to.length; k++) {
      const parent = from.parent[k]
      to[k] = tree.child(parent < 0 ? -1 : to[parent], frameOf[from.frame[k]])
    }
    const builder = new SamplesBuilder(1, tree)
    const value = [0]
    for (let i = 0; i < this.nodes.length; i++) {
      value[0] = this.seconds[i]
      builder.add(this.nodes[i] < 0 ? -1 : to[this.nodes[i]], value)
    }

    const meta = newMeta(FORMAT)
    const duration = /^Duration:\s*([0-9.]+)/m.exec(this.stats)
    if (duration) meta.duration = Number(duration[1]) * 1e9
    const filename = /^Filename:\s*(.+)$/m.exec(this.stats)
    if (filename) meta.name = filename[1].trim()
    const date = /^Date:\s*(.+)$/m.exec(this.stats)
    if (date) meta.comments.push(`date: ${date[1].trim()}`)
    return [
      {
        metrics: [{ name: 'time', unit: 'seconds' }],
        defaultMetric: 0,
        frames: this.frames,
        samples: builder.finish(),
        meta,
      },
    ]
  }
}

function skipSpace(line: string, at: number): number {
  while (at < line.length && isSpace(line.charCodeAt(at))) at++
  return at
}

function nextSpace(line: string, at: number): number {
  while (at < line.length && !isSpace(line.charCodeAt(at))) at++
  return at
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}
