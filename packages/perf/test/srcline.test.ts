import { addressHex, type Profile } from '@profconv/model'
import { writePprof } from '@profconv/pprof'
import { describeWithTool, fixture, run } from '@profconv/testkit'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readPerfScript } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)

/** Every stack-tree node as `frame file:line @address` from leaf to root, per sample. */
function positions(profile: Profile): string[] {
  const { tree, stack } = profile.samples!
  return [...stack].map((leaf) => {
    const out: string[] = []
    for (let n = leaf; n >= 0; n = tree.parent(n)) {
      const f = tree.file(n)
      const where = f >= 0 ? `${tree.files[f]}:${tree.line(n)}` : `:${tree.line(n)}`
      out.push(
        `${profile.frames.get(tree.frame(n)).name} ${where} @${addressHex(tree.addressHi(n), tree.addressLo(n))}`,
      )
    }
    return out.join(' | ')
  })
}

// Every shape perf prints under a frame with -F +srcline (util/srcline.c): file:line,
// ??:0 and :0 when unknown, DSO[addr] without debug info, SYM+off.
const SHAPES = [
  'app 4242  1.000000:    250000 cpu-clock: ',
  '\tffffffff813aecd3 finish_task_switch.isra.0+0x93 ([kernel.kallsyms])',
  '  [kernel.kallsyms][ffffffff813aecd3]',
  '\t            1170 leaf+0x37 (/usr/bin/app)',
  '  app.c:7 (discriminator 3)',
  '\t           29d90 __libc_start_call_main+0x80 (/usr/lib/x86_64-linux-gnu/libc.so.6)',
  '  libc.so.6[29d90]',
  '\t           1ab78 _dl_start_user+0x0 (/usr/lib/ld-linux-x86-64.so.2)',
  '  :0',
  '',
  'app 4242  1.000100:    250000 cpu-clock: ',
  '\t            1190 other+0x10 (/usr/bin/app)',
  '  other+0x10',
  '\t            11a7 main+0x15 (/usr/bin/app)',
  '  ??:0',
  '\t            11b0 start+0x1c (/usr/bin/app)',
  '  start+28',
  '',
].join('\n')

describe('perf script -F +srcline', () => {
  test('reads srclines of every shape; ip and file:line are node positions, kernel addresses exact', () => {
    const [profile] = readPerfScript(utf8(SHAPES))
    expect(positions(profile)).toEqual([
      'finish_task_switch.isra.0 :0 @ffffffff813aecd3 | leaf app.c:7 @1170 | __libc_start_call_main :0 @29d90 | _dl_start_user :0 @1ab78',
      'other :0 @1190 | main :0 @11a7 | start :0 @11b0',
    ])
  })

  test('without positions the tree is by function, srclines still accepted', () => {
    const [profile] = readPerfScript(utf8(SHAPES), { positions: false })
    expect(profile.samples!.tree.hasPositions).toBe(false)
    expect(profile.samples!.tree.length).toBe(7)
  })

  test('a sample recorded without call chains keeps the srcline under its header', () => {
    const text = 'app 4242  1.0:  250000 cpu-clock:  1170 leaf+0x37 (/usr/bin/app)\n  app.c:7\n'
    const [profile] = readPerfScript(utf8(text))
    expect(positions(profile)).toEqual(['leaf app.c:7 @1170'])
  })

  test('an indented line that is neither a frame nor a srcline is still an error', () => {
    const text = 'app 4242  1.0:  250000 cpu-clock:\n\t1170 leaf (/usr/bin/app)\n  not a srcline\n'
    expect(() => readPerfScript(utf8(text))).toThrow(/line 3|source line/)
  })
})

/**
 * Independent of the reader: the period of each sample summed per `file:line` of its leaf
 * frame's srcline (the line after the first frame line), as perf printed it.
 */
function leafSrclinePeriods(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
    if (lines.length < 3) continue
    const period = Number(/\s(\d+)\s+cpu-clock:/.exec(lines[0])![1])
    const src = lines[2].trim()
    if (!/^[^?\s[][^\s[]*:[1-9]\d*$/.test(src)) continue
    out.set(src, (out.get(src) ?? 0) + period)
  }
  return out
}

describeWithTool('go', 'perf script -F +srcline → pprof, go tool pprof -top -lines', () => {
  test('flat per file:line equals the leaf srclines’ periods (kernel frames included)', () => {
    const text = new TextDecoder().decode(fixture('perf/srcline.perf-script.txt'))
    expect(text).toContain('[kernel.kallsyms][ffffffff')
    const [profile] = readPerfScript(utf8(text))
    const dir = mkdtempSync(join(tmpdir(), 'profconv-perf-srcline-'))
    const file = join(dir, 'srcline.pb.gz')
    writeFileSync(file, writePprof(profile))
    const top = run('go', [
      'tool',
      'pprof',
      '-top',
      '-lines',
      '-nodecount=0',
      '-nodefraction=0',
      '-unit=ns',
      '-sample_index=cpu-clock',
      file,
    ])
    const flat = new Map<string, number>()
    for (const line of top.split('\n')) {
      const m = /^\s*(\d+)(?:ns)?\s+\S+%\s+\S+%\s+\S+\s+\S+%\s+\S+ (\S+:\d+)$/.exec(line)
      if (m && m[1] !== '0') flat.set(m[2], (flat.get(m[2]) ?? 0) + Number(m[1]))
    }
    const expected = leafSrclinePeriods(text)
    expect(expected.size).toBeGreaterThan(1)
    expect(flat).toEqual(expected)
  })
})

/** Independent of the reader: each sample's period summed per leaf ip (its first frame line). */
function leafAddressPeriods(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
    if (lines.length < 2) continue
    const period = Number(/\s(\d+)\s+cpu-clock:/.exec(lines[0])![1])
    const ip = lines[1].trim().split(/\s+/)[0].padStart(16, '0')
    out.set(ip, (out.get(ip) ?? 0) + period)
  }
  return out
}

describeWithTool('go', 'perf script → pprof, go tool pprof -top -addresses', () => {
  test('flat per address equals the leaf ips’ periods, kernel addresses exact', () => {
    const text = new TextDecoder().decode(fixture('perf/srcline.perf-script.txt'))
    const dir = mkdtempSync(join(tmpdir(), 'profconv-perf-ip-'))
    const file = join(dir, 'ip.pb.gz')
    writeFileSync(file, writePprof(readPerfScript(utf8(text))[0]))
    const top = run('go', [
      'tool',
      'pprof',
      '-top',
      '-addresses',
      '-nodecount=0',
      '-nodefraction=0',
      '-symbolize=none',
      '-unit=ns',
      '-sample_index=cpu-clock',
      file,
    ])
    const flat = new Map<string, number>()
    for (const line of top.split('\n')) {
      const m = /^\s*(\d+)(?:ns)?\s+\S+%\s+\S+%\s+\S+\s+\S+%\s+([0-9a-f]{16}) /.exec(line)
      if (m && m[1] !== '0') flat.set(m[2], (flat.get(m[2]) ?? 0) + Number(m[1]))
    }
    const expected = leafAddressPeriods(text)
    expect([...expected.keys()].some((ip) => ip.startsWith('ffffffff'))).toBe(true)
    expect(flat).toEqual(expected)
  })
})
