import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { convert, readInput } from '@profconv/core'
import { graphOf } from '@profconv/model'
import { describeWithTool, fixture, run } from '@profconv/testkit'

// A py-spy `raw` file (frames `name (file:line)`, the line executing in each frame): one function
// per (name, file), its lines kept as positions, so `-t pprof` shows the file's own per-line
// sums under `go tool pprof -top -lines`.
const FILE = 'folded/py-spy-raw.sampled.folded'
const text = new TextDecoder().decode(fixture(FILE))
const samples = text
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const space = l.lastIndexOf(' ')
    return { frames: l.slice(0, space).split(';'), count: Number(l.slice(space + 1)) }
  })
/** `name (file:line)` → [name, file, line], read independently of the reader. */
const parts = (frame: string) => /^(.*) \((.*):(\d+)\)$/.exec(frame)!.slice(1)

describe('py-spy raw folded (py-spy-shaped, from a real sampled run)', () => {
  test('one function per (name, file), however many of its lines were sampled', () => {
    const functions = new Set(
      samples.flatMap((s) => s.frames.map((f) => parts(f).slice(0, 2).join(' '))),
    )
    const raw = new Set(samples.flatMap((s) => s.frames))
    // The fixture samples several lines of one function (crunch's loop, fib's body).
    expect(raw.size).toBeGreaterThan(functions.size)
    const { format, profiles } = readInput(fixture(FILE))
    expect(format.name).toBe('folded')
    const [profile] = profiles
    const names = graphOf(profile).nodes.map((n) => {
      const f = profile.frames.get(n.frame)
      return `${f.name} ${f.file}`
    })
    expect(new Set(names)).toEqual(functions)
    expect(names.length).toBe(functions.size)
  })

  test('--frame-per-line keeps the old identity: one function per frame text', () => {
    const raw = new Set(samples.flatMap((s) => s.frames))
    const [profile] = readInput(fixture(FILE), { framePerLine: true }).profiles
    const names = graphOf(profile).nodes.map((n) => profile.frames.get(n.frame).name)
    expect(new Set(names)).toEqual(raw)
    expect(names.length).toBe(raw.size)
  })
})

describeWithTool('go', 'py-spy raw folded → pprof, go tool pprof -top -lines', () => {
  test('flat per function and line equals the folded file’s per-line sums of leaf frames', () => {
    const expected = new Map<string, number>()
    for (const { frames, count } of samples) {
      const [name, file, line] = parts(frames[frames.length - 1])
      const key = `${name} ${file}:${line}`
      expected.set(key, (expected.get(key) ?? 0) + count)
    }
    const { output } = convert(fixture(FILE), { to: 'pprof' })
    const file = join(mkdtempSync(join(tmpdir(), 'profconv-py-spy-')), 'raw.pb.gz')
    writeFileSync(file, output)
    const top = run('go', [
      'tool',
      'pprof',
      '-top',
      '-lines',
      '-nodecount=0',
      '-nodefraction=0',
      '-symbolize=none',
      file,
    ])
    const flat = new Map<string, number>()
    const lines = top.split('\n')
    for (const row of lines.slice(lines.findIndex((l) => l.includes('flat%')) + 1)) {
      const t = row.trim().split(/\s+/)
      if (t.length < 7 || t[0] === '0') continue
      const key = t.slice(5).join(' ')
      flat.set(key, (flat.get(key) ?? 0) + Number(t[0]))
    }
    expect(expected.size).toBeGreaterThan(3)
    expect(flat).toEqual(expected)
  })
})
