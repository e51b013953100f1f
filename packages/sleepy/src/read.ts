import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  decodeText,
  maybeGunzip,
  newMeta,
  type Frame,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { unzipSync, type Unzipped } from 'fflate'

export const FORMAT = 'sleepy'

/** Default cap on the unzipped size of a capture's entries (1 GiB). */
const MAX_UNZIPPED = 1024 ** 3

/**
 * Reads a Very Sleepy capture (`.sleepy`: a zip of text files) into samples: each line of
 * `Callstacks.txt` (`seconds symN symM …`, leaf first) is a sample of that many seconds (metric
 * `time`), its symbols resolved through `Symbols.txt` (`symN "module" "procedure" "file" line`).
 * `Stats.txt` gives the duration and the date. Sleepy names entries in either case.
 */
export function readSleepy(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const max = options.maxInputSize ?? MAX_UNZIPPED
  const entries = unzip(maybeGunzip(bytes, FORMAT, max), max)
  const text = (name: string, required: boolean): string | undefined => {
    const key = Object.keys(entries).find((k) => k.toLowerCase() === name.toLowerCase())
    if (key === undefined) {
      if (required) fail(`the capture has no ${name}`)
      return undefined
    }
    return decodeText(entries[key])
  }

  const frames = new FrameTable()
  const symbols = new Map<string, number>()
  text('Symbols.txt', true)!
    .split('\n')
    .forEach((line, i) => {
      line = line.replace(/\r$/, '')
      if (line.trim() === '') return
      const m = /^(\S+)\s+"([^"]*)"\s+"(.*)"\s+"([^"]*)"\s+(\d+)$/.exec(line)
      if (!m) fail(`Symbols.txt line ${i + 1} is not 'symN "module" "name" "file" line'`)
      const [, id, module, name, file, lineNo] = m
      const frame: { -readonly [K in keyof Frame]: Frame[K] } = { name }
      if (module !== '') frame.module = module
      if (file !== '' && file !== '[unknown]') frame.file = file
      if (Number(lineNo) > 0) frame.line = Number(lineNo)
      symbols.set(id, frames.intern(frame))
    })

  const builder = new SamplesBuilder(1)
  const stack: number[] = []
  text('Callstacks.txt', true)!
    .split('\n')
    .forEach((line, i) => {
      const fields = line.trim().split(/\s+/)
      if (fields[0] === '') return
      const seconds = Number(fields[0])
      if (!Number.isFinite(seconds) || seconds < 0) {
        fail(`Callstacks.txt line ${i + 1} does not start with seconds: ${fields[0].slice(0, 40)}`)
      }
      stack.length = 0
      for (let k = fields.length - 1; k >= 1; k--) {
        const id = symbols.get(fields[k])
        if (id === undefined)
          fail(`Callstacks.txt line ${i + 1} names an unknown symbol ${fields[k].slice(0, 40)}`)
        stack.push(id)
      }
      builder.addStack(stack, [seconds])
    })

  const meta = newMeta(FORMAT)
  const stats = text('Stats.txt', false)
  if (stats !== undefined) {
    const duration = /^Duration:\s*([0-9.]+)/m.exec(stats)
    if (duration) meta.duration = Number(duration[1]) * 1e9
    const filename = /^Filename:\s*(.+)$/m.exec(stats)
    if (filename) meta.name = filename[1].trim()
    const date = /^Date:\s*(.+)$/m.exec(stats)
    if (date) meta.comments.push(`date: ${date[1].trim()}`)
  }
  return [
    {
      metrics: [{ name: 'time', unit: 'seconds' }],
      defaultMetric: 0,
      frames,
      samples: builder.finish(),
      meta,
    },
  ]
}

function unzip(bytes: Uint8Array, max: number): Unzipped {
  let total = 0
  try {
    return unzipSync(bytes, {
      filter: (file) => {
        total += file.originalSize
        if (total > max)
          fail(
            `the capture expands past the limit of ${max} bytes (raise it with --max-input-size)`,
          )
        return /\.txt$/i.test(file.name)
      },
    })
  } catch (error) {
    if (error instanceof ProfconvError) throw error
    fail(`not a readable zip (${(error as Error).message})`)
  }
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}
