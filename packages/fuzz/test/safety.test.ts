import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FORMATS } from '@profconv/core'
import {
  nanosecondsPer,
  FrameTable,
  SamplesBuilder,
  dumpStacks,
  isGzip,
  mergeProfiles,
  newMeta,
  withGraph,
  withSamples,
  type Profile,
} from '@profconv/model'
import { testDataDir } from '@profconv/testkit'
import { READERS, SEEDS } from './corpus.js'

// Output safety: hostile names survive every writer whose output is JSON, and no name or label
// reaches an object prototype; readers and writers share no state between conversions.

const bytes = (out: string | Uint8Array) =>
  typeof out === 'string' ? new TextEncoder().encode(out) : out

function profileNamed(names: string[], labelKey?: string): Profile {
  const frames = new FrameTable()
  const ids = names.map((name) => frames.intern({ name, file: name, line: 1 }))
  const samples = new SamplesBuilder(1)
  ids.forEach((id, i) =>
    samples.addStack(
      ids.slice(0, i + 1),
      [i + 1],
      labelKey ? [{ key: labelKey, str: names[i] }] : undefined,
    ),
  )
  return {
    metrics: [{ name: 'cpu', unit: 'nanoseconds' }],
    defaultMetric: 0,
    frames,
    samples: samples.finish(),
    meta: newMeta('test'),
  }
}

/** Every writer's output of `profile`, prepared as the CLI prepares it (svg left out: slow). */
function writeAll(profile: Profile) {
  return FORMATS.filter((f) => f.write && f.name !== 'svg').map((f) => {
    const prepared = f.writes === 'samples' ? withSamples(profile) : withGraph(profile)
    return { format: f, output: f.write!(prepared, {}) }
  })
}

describe('JSON outputs', () => {
  const HOSTILE = [
    'lone \ud800 high',
    'lone \udc00 low',
    'nul\u0000',
    'bell\u0007',
    'line\u2028sep',
    'quote"\\',
    '</script>',
  ]

  test('are valid JSON, and read back to the same names', () => {
    const profile = profileNamed(HOSTILE)
    const json = writeAll(profile).filter(
      ({ output }) => typeof output === 'string' && /^\s*[[{]/.test(output),
    )
    expect(json.map(({ format }) => format.name)).toEqual(
      expect.arrayContaining(['speedscope', 'pstats-json']),
    )
    for (const { format, output } of json) {
      const text = output as string
      expect(() => JSON.parse(text)).not.toThrow()
      // Lone surrogates are escaped, so the text is the same after a trip through UTF-8.
      expect(new TextDecoder().decode(new TextEncoder().encode(text))).toBe(text)
      if (format.read) {
        const back = mergeProfiles(format.read(bytes(text), {}))
        const names = new Set(back.frames.frames.map((f) => f.name))
        for (const name of HOSTILE) expect(names).toContain(name)
      }
    }
  })
})

test('gzip outputs carry no time stamp: the same profile always gives the same bytes', () => {
  const gzipped = writeAll(profileNamed(['main', 'work'])).filter(
    ({ output }) => output instanceof Uint8Array && isGzip(output),
  )
  expect(gzipped.map(({ format }) => format.name)).toContain('pprof')
  for (const { output } of gzipped)
    expect([...(output as Uint8Array).subarray(4, 8)]).toEqual([0, 0, 0, 0])
})

describe('names that are Object.prototype members', () => {
  const NAMES = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']

  test('pass through every writer and reader without touching prototypes', () => {
    const profile = profileNamed(NAMES, '__proto__')
    const expected = dumpStacks(profile)
    const readable = new Set(READERS.map((f) => f.name))
    for (const { format, output } of writeAll(profile)) {
      if (!readable.has(format.name)) continue
      const read = withSamples(mergeProfiles(format.read!(bytes(output), {})))
      // The written metric only (a cpuprofile also reads as sample counts).
      const back = {
        ...read,
        metrics: read.metrics.slice(0, 1),
        samples: { ...read.samples!, values: read.samples!.values.slice(0, 1) },
      }
      // Trace and cpuprofile hold microseconds: values read back in ns again before comparing.
      const scale = nanosecondsPer(back.metrics[0].unit) ?? 1
      if (scale !== 1) back.samples.values[0].forEach((v, k, a) => (a[k] = Math.round(v * scale)))
      const stacks = dumpStacks(back)
      for (const name of NAMES)
        expect({ format: format.name, stacks }).toEqual({
          format: format.name,
          stacks: expect.stringContaining(name),
        })
      if (format.writes === 'samples' && format.name !== 'folded' && format.name !== 'collapsed')
        expect(stacks.replace(/ \([^)]*\)/g, '')).toBe(expected.replace(/ \([^)]*\)/g, ''))
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS)
    expect(({} as Record<string, unknown>).cpu).toBeUndefined()
  })
})

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()

describe('no shared state', () => {
  test('conversions interleaved in one process give what each gives alone', async () => {
    const inputs = READERS.flatMap((f) =>
      SEEDS.get(f.name)!
        .slice(0, 3)
        .map((s) => ({ f, s })),
    )
    const alone = inputs.map(({ f, s }) =>
      dumpStacks(withSamples(mergeProfiles(f.read!(s.bytes, {})))),
    )
    // Streaming readers yield between chunks, so these readings really overlap.
    const together = await Promise.all(
      inputs.map(async ({ f, s }) => {
        const profiles = f.readStream
          ? await f.readStream(chunks(s.bytes, 7), {})
          : (await Promise.resolve(), f.read!(s.bytes, {}))
        return dumpStacks(withSamples(mergeProfiles(profiles)))
      }),
    )
    expect(together).toEqual(alone)
  })

  test('no reader or writer source keeps module-level mutable state', () => {
    const packages = join(testDataDir, '../packages')
    // svg starts the wasm Graphviz's thread once, on first use (a cache of a library, not of a
    // conversion);
    // pprof builds protobufjs's types once, on first encode (the same for every call).
    // The web page's entry script and its worker are an application, as the CLI is: they hold
    // the page's open files and settings (one page, one worker); conversions go through session.ts.
    const allowed = new Set([
      'svg/src/render.ts',
      'pprof/src/proto.ts',
      'web/src/main.ts',
      'web/src/worker.ts',
    ])
    const found: string[] = []
    for (const pkg of readdirSync(packages)) {
      if (['cli', 'testkit', 'fuzz', 'interop'].includes(pkg)) continue
      let files: string[] = []
      try {
        files = readdirSync(join(packages, pkg, 'src')).filter((f) => f.endsWith('.ts'))
      } catch {
        continue
      }
      for (const file of files) {
        const source = readFileSync(join(packages, pkg, 'src', file), 'utf8')
        const state = source.match(
          /^(export )?(let|var) \w+|^(export )?const \w+(: [^=]+)? = (new (Map|Set|WeakMap)\(\)|\[\]|\{\})/gm,
        )
        if (state && !allowed.has(`${pkg}/src/${file}`))
          found.push(`${pkg}/src/${file}: ${state.join(', ')}`)
      }
    }
    expect(found).toEqual([])
  })
})

async function* chunks(data: Uint8Array, size: number) {
  for (let at = 0; at < data.length; at += size) {
    await Promise.resolve()
    yield data.subarray(at, at + size)
  }
}
