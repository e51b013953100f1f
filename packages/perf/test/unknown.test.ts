import { withGraph, type Profile } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { readPerfScript } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)

/** Self cost of each function of `profile` in metric `metric`, by name. */
function selfByName(profile: Profile, metric: string): Map<string, number> {
  const m = profile.metrics.findIndex((x) => x.name === metric)
  const graph = withGraph(profile).graph!
  return new Map(graph.nodes.map((n) => [profile.frames.get(n.frame).name, n.self[m]]))
}

describe('code without a symbol', () => {
  test('is one function per dso, named after it, with a note; an unknown dso stays [unknown]', () => {
    const [p] = readPerfScript(
      utf8(
        [
          'app 1 1.0: 10 cpu-clock: ',
          '\t    1132 [unknown] (/opt/libfoo.so)',
          '\t    1164 main+0x1b (/usr/bin/app)',
          '',
          'app 1 1.1: 20 cpu-clock: ',
          '\t    1133 [unknown] (/opt/libbar.so)',
          '\t    1164 main+0x1b (/usr/bin/app)',
          '',
          'app 1 1.2: 40 cpu-clock: ',
          '\t    7f10 [unknown] ([unknown])',
          '\t    1164 main+0x1b (/usr/bin/app)',
          '',
        ].join('\n'),
      ),
    )
    expect(p.frames.frames).toEqual([
      { name: '[unknown] (libfoo.so)', module: 'libfoo.so' },
      { name: 'main', module: 'app' },
      { name: '[unknown] (libbar.so)', module: 'libbar.so' },
      { name: '[unknown]' },
    ])
    expect(p.meta.notes).toEqual([
      'perf-script: code without a symbol is one function per dso, as perf report keeps it apart: [unknown] (libfoo.so), [unknown] (libbar.so)',
    ])
  })
})

describeWithTool('perf', 'stripped libraries: perf report --stdio', () => {
  test('each library’s unnamed code has the self time perf report gives its addresses', () => {
    const self = selfByName(readPerfScript(fixture('perf/unknown.perf-script.txt'))[0], 'cpu-clock')
    // perf report names unnamed code by address (`[.] 0x…1132`), one row per address and dso:
    // the rows of a dso summed are its unnamed code's self period.
    const report = run('perf', [
      'report',
      '-f',
      '-i',
      fixturePath('perf/unknown.perf.data'),
      '--stdio',
      '--no-children',
      '--sort',
      'dso,sym',
      '-g',
      'none',
      '-F',
      'period,dso,sym',
    ])
    const unnamed = new Map<string, number>()
    for (const m of report.matchAll(/^\s*(\d+)\s+(\S+)\s+\[\.\] 0x[0-9a-f]+\s*$/gm))
      unnamed.set(m[2], (unnamed.get(m[2]) ?? 0) + Number(m[1]))
    // Every leaf in the two libraries is unnamed (perf script's view), so their address rows are
    // all of their self time, wherever perf report finds or misses the libraries' files.
    expect([...unnamed.keys()].filter((d) => d.startsWith('lib')).sort()).toEqual([
      'libbar.so',
      'libfoo.so',
    ])
    for (const dso of ['libfoo.so', 'libbar.so']) {
      expect(unnamed.get(dso)).toBeGreaterThan(0)
      expect(self.get(`[unknown] (${dso})`)).toBe(unnamed.get(dso))
      expect(self.get(`${dso.slice(3, 6)}_work`) ?? 0).toBe(0)
    }
    expect(self.has('[unknown]')).toBe(false)
  })
})
