import { ProfconvError, dumpStacks } from '@profconv/model'
import { readSpeedscope } from '@profconv/speedscope'
import { fixture } from '@profconv/testkit'
import {
  foldedFormat,
  readFolded,
  readFoldedStream,
  sniffFolded,
  writeFolded,
} from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
function utf16(text: string, bigEndian = false): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2)
  out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe])
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    out[2 + 2 * i + (bigEndian ? 1 : 0)] = c & 0xff
    out[2 + 2 * i + (bigEndian ? 0 : 1)] = c >> 8
  }
  return out
}
const dump = (bytes: Uint8Array, chunkSize?: number) => dumpStacks(readFolded(bytes, { chunkSize }))
const errorOf = (text: string) => {
  try {
    readFolded(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('folded reader', () => {
  test('perf script folded by our script equals the speedscope app’s own reading of it', () => {
    const ours = readFolded(fixture('folded/perf.folded'))
    const [theirs] = readSpeedscope(fixture('speedscope/perf-folded.speedscope.json'))
    expect(dumpStacks(ours)).toBe(dumpStacks(theirs))
    expect(ours.metrics).toEqual([{ name: 'samples', unit: 'count' }])
  })

  test('our folding of perf script has the stacks the speedscope app reads from perf script', () => {
    // The app weights perf samples by time and drops the last one, so compare the stacks.
    const ours = new Set(
      dumpStacks(readFolded(fixture('folded/perf.folded')))
        .split('\n')
        .map((l) => l.replace(/^workload;/, '').replace(/ [\d.]+$/, '')),
    )
    const [app] = readSpeedscope(fixture('speedscope/perf-script.speedscope.json'))
    const theirs = new Set(
      dumpStacks(app)
        .split('\n')
        .map((l) => l.replace(/ \(\/[^)]*\)/g, '').replace(/ [\d.e-]+$/, '')),
    )
    for (const stack of theirs) expect(ours).toContain(stack)
    expect(ours.size - theirs.size).toBeLessThanOrEqual(1)
  })

  test('decimal counts, CRLF, blank lines, perf suffixes and spaces kept in names', () => {
    const text =
      'a;b;c 1.5\r\n\r\nswapper;do_idle_[k];[unknown] 2\r\nmain;operator new(unsigned long) 3.25\r\n'
    expect(dump(utf8(text))).toBe(
      'a;b;c 1.5\nmain;operator new(unsigned long) 3.25\nswapper;do_idle_[k];[unknown] 2',
    )
  })

  test('UTF-16 with a byte-order mark, both byte orders', () => {
    const text = 'main;grüß 4\nmain 1\n'
    expect(dump(utf16(text))).toBe('main 1\nmain;grüß 4')
    expect(dump(utf16(text, true))).toBe('main 1\nmain;grüß 4')
  })

  test('the two-count differential form gives metrics before and after', () => {
    const p = readFolded(utf8('a;b 10 12\na;c 5 0\n'))
    expect(p.metrics.map((m) => m.name)).toEqual(['before', 'after'])
    expect(p.defaultMetric).toBe(1)
    expect(dumpStacks(p)).toBe('a;b 10 12\na;c 5 0')
  })

  test('bad lines are errors with their line number', () => {
    expect(errorOf('a;b 1\nno count here\n')).toBe(
      `folded: line 2: expected 'stack count', got "no count here"`,
    )
    expect(errorOf('a;b 1\n\na;c -3\n')).toMatch(/^folded: line 3: expected 'stack count'/)
    expect(errorOf('a;b 1 2\na;c 3\n')).toMatch(
      /^folded: line 2: expected 2 count\(s\) as on the first line/,
    )
    expect(errorOf('a;b 1\n 5\n')).toMatch(/^folded: line 2: empty stack/)
  })

  test('lenient reading skips bad lines and counts them in a note', () => {
    const p = readFolded(utf8('a;b 1\nbroken\na 2\nalso broken\n'), { lenient: true })
    expect(dumpStacks(p)).toBe('a 2\na;b 1')
    expect(p.meta.notes).toEqual([
      `skipped 2 bad line(s) (first: line 2: expected 'stack count', got "broken")`,
    ])
  })

  test.each([1, 2, 3, 7])('tiny chunks of %i byte(s) read the same', (chunkSize) => {
    for (const bytes of [
      fixture('folded/perf.folded'),
      utf16('a;grüß 4\r\nb 1.5\r\n'),
      utf8('x;€ 2\r\ny 3'),
    ]) {
      expect(dump(bytes, chunkSize)).toBe(dump(bytes))
    }
  })

  test.each([1, 2, 3, 7, 4096])(
    'readFoldedStream in chunks of %i byte(s), plain and gzipped, reads the same',
    async (size) => {
      const { gzipSync } = await import('node:zlib')
      const chunks = function* (bytes: Uint8Array) {
        for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
      }
      for (const bytes of [fixture('folded/perf.folded'), utf16('a;grüß 4\r\nb 1.5\r\n')]) {
        expect(dumpStacks(await readFoldedStream(chunks(bytes)))).toBe(dump(bytes))
        const gz = new Uint8Array(gzipSync(bytes))
        expect(dumpStacks(await readFoldedStream(chunks(gz)))).toBe(dump(bytes))
      }
      await expect(readFoldedStream(chunks(utf8('a;b 1\nbroken\n')))).rejects.toThrow(
        /line 2: expected 'stack count'/,
      )
    },
  )

  test('gzip is accepted', async () => {
    const { gzipSync } = await import('node:zlib')
    const bytes = fixture('folded/perf.folded')
    expect(dump(new Uint8Array(gzipSync(bytes)))).toBe(dump(bytes))
  })
})

/** Every stack-tree node as `name file:line`, root first, per distinct stack with its count. */
function positioned(bytes: Uint8Array, options = {}): string[] {
  const p = readFolded(bytes, options)
  const { tree, stack, values } = p.samples!
  return [...stack].map((leaf, i) => {
    const out: string[] = []
    for (let n = leaf; n >= 0; n = tree.parent(n)) {
      const f = p.frames.get(tree.frame(n))
      out.unshift(f.file === undefined ? f.name : `${f.name} ${f.file}:${tree.line(n)}`)
    }
    return `${out.join(';')} ${values[0][i]}`
  })
}

describe('name (file:line) frames (py-spy raw, austin -a)', () => {
  const text =
    'thread (0x7F3C2D1E4740);<module> (work.py:44);crunch (work.py:24);mix (work.py:16) 3\n' +
    'thread (0x7F3C2D1E4740);<module> (work.py:44);crunch (work.py:25) 2\n' +
    'thread (0x7F3C2D1E4740): MainThread;f (<frozen importlib._bootstrap>:991);g (lib.py) 1\n'

  test('the function is (name, file); the line goes on the stack node', () => {
    const expected = [
      'thread (0x7F3C2D1E4740);<module> work.py:44;crunch work.py:24;mix work.py:16 3',
      'thread (0x7F3C2D1E4740);<module> work.py:44;crunch work.py:25 2',
      'thread (0x7F3C2D1E4740): MainThread;f <frozen importlib._bootstrap>:991;g (lib.py) 1',
    ]
    expect(positioned(utf8(text))).toEqual(expected)
    expect(positioned(utf8(text), { chunkSize: 3 })).toEqual(expected)
    const p = readFolded(utf8(text))
    expect(p.frames.frames.filter((f) => f.name === 'crunch')).toEqual([
      { name: 'crunch', file: 'work.py' },
    ])
  })

  test('without positions the stacks are by function, lines merged', () => {
    const p = readFolded(utf8(text), { positions: false })
    expect(p.samples!.tree.hasLines).toBe(false)
    expect(dumpStacks(p)).toContain('crunch (work.py) 2')
  })

  test('framePerLine: one frame per text, as before', () => {
    const p = readFolded(utf8(text), { framePerLine: true })
    expect(p.frames.frames.map((f) => f.name)).toContain('crunch (work.py:25)')
    expect(p.frames.frames.some((f) => f.file !== undefined)).toBe(false)
  })
})

describe('folded round trips', () => {
  test.each([
    ['perf', new TextDecoder().decode(fixture('folded/perf.folded'))],
    ['decimals, unsorted', 'b;c 2.5\na 1\na;x y 0.125\n'],
    ['differential', 'a;b 10 12\na;c 5 0\n'],
  ])('%s: folded → folded is exact', (_, text) => {
    expect(writeFolded(readFolded(utf8(text)))).toBe(text)
  })
})

describe('folded sniffer', () => {
  test('recognises folded stacks and nothing else', () => {
    expect(sniffFolded(fixture('folded/perf.folded'))).toBe(true)
    expect(sniffFolded(utf16('a;b 3\r\nc 1.5\r\n'))).toBe(true)
    expect(foldedFormat.sniff!(utf8('a;b 10 12\n'))).toBe(true)
    expect(sniffFolded(fixture('folded/perf-script.txt'))).toBe(false)
    expect(sniffFolded(fixture('speedscope/perf-folded.speedscope.json'))).toBe(false)
    expect(sniffFolded(utf8('# callgrind format\nversion: 1\ncreator: callgrind-3.19\n'))).toBe(
      false,
    )
    expect(sniffFolded(utf8('version: 1\n'))).toBe(true) // ambiguous alone: callgrind sniffs first
  })
})
