import { ProfconvError, dumpStacks, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { gzipSync } from 'node:zlib'
import {
  perfScriptFormat,
  readPerfScript,
  readPerfScriptStream,
  sniffPerfScript,
} from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const read = (text: string, options = {}) => readPerfScript(utf8(text), options)
const one = (text: string) => {
  const profiles = read(text)
  expect(profiles).toHaveLength(1)
  return profiles[0]
}
const errorOf = (text: string) => {
  try {
    read(text)
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}
const dumps = (profiles: Profile[]) => profiles.map((p) => `${p.meta.name}\n${dumpStacks(p)}`)
async function* chunked(bytes: Uint8Array, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

const SCRIPT = fixture('folded/perf-script.txt')

describe('perf script reader on the recorded fixture', () => {
  const [profile] = readPerfScript(SCRIPT)

  test('its stacks are those of scripts/fold-perf-script.mjs (perf.folded), comm aside', () => {
    const folded = new TextDecoder().decode(fixture('folded/perf.folded')).trim().split('\n')
    const ours = dumpStacks(profile)
      .split('\n')
      .map((line) => {
        const [stack, samples] = line.split(' ')
        return `workload;${stack} ${samples}`
      })
    expect(ours.sort()).toEqual(folded.sort())
  })

  test('the speedscope app’s own import of it has the same stacks, dsos and sample times', () => {
    // The app turns perf samples into timed events (the last sample is dropped): the stacks,
    // with `name (dso base name)` frames, must be the same, and the time on each stack the same
    // within one sampling interval (the app places the boundaries between samples its own way).
    const app = JSON.parse(
      new TextDecoder().decode(fixture('speedscope/perf-script.speedscope.json')),
    ) as {
      shared: { frames: { name: string; file: string }[] }
      profiles: { events: { type: 'O' | 'C'; frame: number; at: number }[] }[]
    }
    const theirs = new Map<string, number>()
    const open: string[] = []
    let last = 0
    for (const event of app.profiles[0].events) {
      if (event.at > last && open.length > 0) {
        const key = open.join(';')
        theirs.set(key, (theirs.get(key) ?? 0) + (event.at - last))
      }
      last = event.at
      const { name, file } = app.shared.frames[event.frame]
      if (event.type === 'O') open.push(`${name} (${file.slice(file.lastIndexOf('/') + 1)})`)
      else open.pop()
    }
    const ours = new Map<string, number>()
    const s = profile.samples!
    let interval = 0
    for (let i = 1; i < s.stack.length; i++) {
      const key = s.tree
        .stack(s.stack[i])
        .map((id) => profile.frames.get(id))
        .map((f) => `${f.name} (${f.module})`)
        .join(';')
      const seconds = (s.time![i] - s.time![i - 1]) / 1e9
      interval = Math.max(interval, seconds)
      ours.set(key, (ours.get(key) ?? 0) + seconds)
    }
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort())
    expect(interval).toBeLessThan(0.02)
    for (const [key, seconds] of theirs) {
      expect(Math.abs(ours.get(key)! - seconds)).toBeLessThanOrEqual(interval)
    }
  })

  test('the period is the weight: every sample here is 2004008 ns of cpu-clock', () => {
    expect(profile.metrics).toEqual([
      { name: 'samples', unit: 'count' },
      { name: 'cpu-clock', unit: 'nanoseconds' },
    ])
    expect(profile.defaultMetric).toBe(1)
    for (const line of dumpStacks(profile).split('\n')) {
      const [, samples, period] = line.split(' ')
      expect(Number(period)).toBe(Number(samples) * 2004008)
    }
    expect(profile.samples!.stack.length).toBe(116)
    expect(profile.meta.notes).toEqual([])
  })

  test('frames: symbol without offset, dso base name as module; labels comm and tid; times', () => {
    expect(profile.frames.frames).toContainEqual({ name: 'fib', module: 'workload' })
    expect(profile.frames.frames).toContainEqual({
      name: '__libc_start_call_main',
      module: 'libc.so.6',
    })
    expect(profile.samples!.labels![0]).toEqual([
      { key: 'comm', str: 'workload' },
      { key: 'tid', num: 13651 },
    ])
    const time = profile.samples!.time!
    expect([time[0], time[1]]).toEqual([0, 2005000]) // 784.240746 → 784.242751
    expect(profile.meta.duration).toBe(time[time.length - 1])
  })

  test.each([1, 2, 3, 7, 64])(
    'chunks of %i byte(s) read the same, plain and gzip, streamed too',
    async (size) => {
      const expected = dumpStacks(profile)
      expect(dumpStacks(readPerfScript(SCRIPT, { chunkSize: size })[0])).toBe(expected)
      const [streamed] = await readPerfScriptStream(chunked(SCRIPT, size))
      expect(dumpStacks(streamed)).toBe(expected)
      const gz = new Uint8Array(gzipSync(SCRIPT))
      const [unzipped] = await readPerfScriptStream(chunked(gz, size))
      expect(dumpStacks(unzipped)).toBe(expected)
      expect(streamed.samples!.labels).toEqual(profile.samples!.labels)
    },
  )

  test('gzip whole and the descriptor', async () => {
    const gz = new Uint8Array(gzipSync(SCRIPT))
    expect(dumpStacks(perfScriptFormat.read!(gz, {})[0])).toBe(dumpStacks(profile))
    const streamed = await perfScriptFormat.readStream!(chunked(SCRIPT, 1000), {})
    expect(dumpStacks(streamed[0])).toBe(dumpStacks(profile))
  })
})

const THREADS = [
  '# ========',
  '# captured on: today',
  '# ========',
  'Web Content  100/101  [002]  10.000000:     250000 cycles:u: ',
  '\t    7f00 js::Run(JSContext*)+0x1c (/usr/lib/libxul.so)',
  '\t    7f10 [unknown] ([unknown])',
  '',
  'Web Content  100/102  [003]  10.500000:     750000 cycles:u: ',
  '\tffffffff81000010 do_syscall_64+0x5 ([kernel.kallsyms])',
  '\t    7f20 inner_fn+0x4 (inlined)',
  '\t    7f20 outer_fn+0x10 (/opt/app)',
  '  src/app.c:12',
  '\t    7f30 main (/opt/app)',
  '',
  'Web Content  100/101  [002]  11.000000:     500000 cycles:u: ',
  '\t    7f00 js::Run(JSContext*)+0x1c (/usr/lib/libxul.so)',
  '',
].join('\n')

describe('perf script reader on hand-written variants', () => {
  test('pid/tid, comm with spaces, kernel, [unknown], inlined and C++ frames, srcline skipped', () => {
    const p = one(THREADS)
    expect(p.metrics[1]).toEqual({ name: 'cycles', unit: 'count' })
    expect(dumpStacks(p)).toBe(
      [
        '[unknown];js::Run(JSContext*) 1 250000',
        'js::Run(JSContext*) 1 500000',
        'main;outer_fn;inner_fn;do_syscall_64 1 750000',
      ].join('\n'),
    )
    expect(p.frames.frames).toContainEqual({ name: 'inner_fn', inlined: true })
    expect(p.frames.frames).toContainEqual({ name: 'do_syscall_64', module: '[kernel.kallsyms]' })
    expect(p.frames.frames).toContainEqual({ name: '[unknown]' })
    expect(p.samples!.labels![1]).toEqual([
      { key: 'comm', str: 'Web Content' },
      { key: 'pid', num: 100 },
      { key: 'tid', num: 102 },
    ])
  })

  test('--perf-threads separate: one profile per thread', () => {
    const profiles = read(THREADS, { perfThreads: 'separate' })
    expect(dumps(profiles)).toEqual([
      'Web Content 100/101\n[unknown];js::Run(JSContext*) 1 250000\njs::Run(JSContext*) 1 500000',
      'Web Content 100/102\nmain;outer_fn;inner_fn;do_syscall_64 1 750000',
    ])
    expect(profiles[1].frames.length).toBe(4)
    expect(() => read(THREADS, { perfThreads: 'split' })).toThrow(ProfconvError)
  })

  test('without a period each sample weighs 1, with a note', () => {
    const p = one(
      'app 7 1.0: task-clock: \n\t1 a+0x1 (/x/app)\n\t2 main (/x/app)\n\napp 7 2.0: task-clock: \n\t2 main (/x/app)\n',
    )
    expect(p.metrics).toEqual([{ name: 'samples', unit: 'count' }])
    expect(p.defaultMetric).toBe(0)
    expect(dumpStacks(p)).toBe('main 1\nmain;a 1')
    expect(p.meta.notes).toEqual([
      'perf-script: no period printed for task-clock; each sample counts 1 (record and script with -F period to weight by it)',
    ])
  })

  test('several events, one metric each; CRLF', () => {
    const p = one(
      'app 7 1.0: 10 cycles: \r\n\t1 a (/x/app)\r\n\r\napp 7 2.0: 3 instructions: \r\n\t1 a (/x/app)\r\n',
    )
    expect(p.metrics.map((m) => m.name)).toEqual(['samples', 'cycles', 'instructions'])
    expect(dumpStacks(p)).toBe('a 2 10 3')
  })

  test('recorded without call chains: the frame ends the padded header line', () => {
    const p = one(
      [
        '         swapper     0 [000]   5.000000:     100 cpu-clock:  ffffffff81001 default_idle+0x10 ([kernel.kallsyms])',
        '             cc1  4242 [001]   5.000100:     100 cpu-clock:  4011 parse+0x3 (/usr/bin/cc1)',
      ].join('\n'),
    )
    expect(dumpStacks(p)).toBe('default_idle 1 100\nparse 1 100')
    expect(p.samples!.labels![1]).toEqual([
      { key: 'comm', str: 'cc1' },
      { key: 'tid', num: 4242 },
    ])
  })

  test('malformed header and frame lines are errors with their line number', () => {
    expect(errorOf('app 7 1.0: 1 cycles:\n\t1 a (/x)\n\nno thread id here\n')).toBe(
      `perf-script: line 4: expected a sample header 'comm pid/tid … event:', got "no thread id here"`,
    )
    expect(errorOf('app 7 1.0: 1 cycles:\n\t1 a (/x)\n\tzz b (/x)\n')).toMatch(
      /^perf-script: line 3: expected a frame line 'addr symbol \(dso\)' or its source line, got "\\tzz b \(\/x\)"/,
    )
  })

  test('numbers too big for a double are errors, not infinite weights', () => {
    expect(errorOf(`app 7 1.0: ${'9'.repeat(400)} cycles:\n\t1 a (/x)\n`)).toMatch(
      /^perf-script: line 1: time or period out of range/,
    )
  })

  test('empty input gives one empty profile', () => {
    const p = one('')
    expect(p.samples!.stack.length).toBe(0)
  })
})

describe('perf script sniffer', () => {
  test('recognises perf script and nothing else', () => {
    expect(sniffPerfScript(SCRIPT)).toBe(true)
    expect(perfScriptFormat.sniff!(utf8(THREADS))).toBe(true)
    expect(
      sniffPerfScript(
        utf8('swapper 0 [000] 5.0: 100 cpu-clock:  ffff idle+0x1 ([kernel.kallsyms])\n'),
      ),
    ).toBe(true)
    expect(sniffPerfScript(fixture('folded/perf.folded'))).toBe(false)
    expect(sniffPerfScript(fixture('speedscope/perf-script.speedscope.json'))).toBe(false)
    expect(sniffPerfScript(utf8('# callgrind format\nversion: 1\ncreator: callgrind-3.19\n'))).toBe(
      false,
    )
    expect(sniffPerfScript(utf8('main 12\nmain;a 3\n'))).toBe(false)
  })
})
