import { readdirSync } from 'node:fs'
import { getFormat } from '@profconv/core'
import { dumpGraph } from '@profconv/model'
import { fixture, fixturePath } from '@profconv/testkit'
import { readChecked, streamMatchesRead } from './guard.js'

// Inputs the fuzzer once crashed a reader with, kept in test-data/fuzz/<format>/. Each now gives
// a one-line ProfconvError saying what is wrong.
const EXPECTED: Record<string, RegExp> = {
  'callgrind/comments-only.callgrind': /^callgrind: no profile data/,
  'callgrind/cost-overflows-double.callgrind': /^callgrind: line 3: bad cost/,
  'cpuprofile/delta-1e999.cpuprofile': /^cpuprofile: timeDeltas\[1\] is too large for a number$/,
  'cpuprofile/deltas-sum-past-double.cpuprofile': /^cpuprofile: the timeDeltas add up past/,
  'pstats/nan-time.prof':
    /^pstats: at byte \d+: the entry here for main has a non-number \(or inf, nan\)/,
  'pstats-json/nc-1e999.json': /^pstats-json: functions\[0\]\.nc is too large/,
  'folded/count-overflows-double.folded': /^folded: line 1: expected 'stack count'/,
  'speedscope/at-1e999.speedscope.json': /^speedscope: .*event 1: needs a finite numeric 'at'/,
  'speedscope/weight-1e999.speedscope.json':
    /^speedscope: .*sample 0: the weight is not a finite number/,
  'pprof/no-sample-types.pb.gz': /^pprof: the profile has no sample types/,
}

// Inputs a reader once read wrongly, with the call graph it must give.
const GRAPHS: Record<string, string> = {
  'callgrind/root-and-callee.callgrind': [
    'edge main (app.py) -> work (app.py) total=1',
    'edge work (app.py) -> leaf (app.py) total=1',
    'fn leaf (app.py) self=1 total=1',
    'fn main (app.py) self=0 total=1',
    'fn work (app.py) self=1 total=2',
  ].join('\n'),
}

// Inputs a streaming reader once read differently from `read` when fed one byte at a time.
const STREAMED = ['callgrind/gzip-in-one-byte-chunks.callgrind.gz']

describe('fuzz regressions', () => {
  test('every fixture in test-data/fuzz has an expectation here', () => {
    const files = readdirSync(fixturePath('fuzz')).flatMap((dir) =>
      readdirSync(fixturePath(`fuzz/${dir}`)).map((name) => `${dir}/${name}`),
    )
    expect(files.sort()).toEqual(
      [...Object.keys(EXPECTED), ...Object.keys(GRAPHS), ...STREAMED].sort(),
    )
  })

  test.each(Object.entries(EXPECTED))('%s', (file, message) => {
    const format = getFormat(file.split('/')[0])
    const bytes = fixture(`fuzz/${file}`)
    expect(readChecked(format, bytes)).toBe('error')
    expect(() => format.read!(bytes, {})).toThrow(message)
  })

  test.each(STREAMED)('%s read one byte at a time', async (file) => {
    const format = getFormat(file.split('/')[0])
    const bytes = fixture(`fuzz/${file}`)
    expect(readChecked(format, bytes)).toBe('profiles')
    await streamMatchesRead(format, bytes, 1)
  })

  test.each(Object.entries(GRAPHS))('%s reads as the right call graph', (file, graph) => {
    const format = getFormat(file.split('/')[0])
    const [profile] = format.read!(fixture(`fuzz/${file}`), {})
    expect(dumpGraph(profile)).toBe(graph)
  })
})
