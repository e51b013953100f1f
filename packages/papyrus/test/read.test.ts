import { ProfconvError, dumpStacks } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readPapyrus, readPapyrusStream, sniffPapyrus } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (text: string) => {
  try {
    readPapyrus(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('Papyrus profiler log (built from the documented shape)', () => {
  const bytes = fixture('papyrus/quest.documented.papyrus.log')
  const [profile] = readPapyrus(bytes)

  test('the time between events of a stack goes to the functions open on it', () => {
    expect(profile.metrics).toEqual([{ name: 'time', unit: 'milliseconds' }])
    expect(dumpStacks(profile).split('\n').sort()).toEqual([
      // OnInit is pushed at depth 1: its caller, at depth 0, is named by its POP at 1160.
      'OnLoad 10', // 1150-1160
      'OnLoad;OnInit 40', // 1000-1010 and 1120-1150
      'OnLoad;OnInit;SetupStage 50', // 1010-1040 and 1100-1120: the queue wait stays in SetupStage
      'OnLoad;OnInit;SetupStage;Wait 60',
      'OnUpdate 340', // stack 314 from 1150 to the last event (1500), less GetPlayer
      'OnUpdate;GetPlayer 10',
    ])
    expect(profile.frames.frames.find((f) => f.name === 'Wait')?.module).toBe('utility')
    expect(profile.samples!.labels![0]).toEqual([{ key: 'stack', str: '200' }])
    expect(profile.samples!.time![0]).toBe(0)
    // OnUpdate's caller (depth 0 of stack 314) and OnInit's after OnLoad returned are never
    // named; stack 200 ran only the latter from 1400 to the end.
    expect(profile.meta.notes).toEqual([
      'papyrus: 2 caller(s) entered before the log began or not logged (by depth) were never named by a POP and are left out of the stacks; 100 ms when only they were running are not counted',
    ])
  })

  test('sniffed by its first event; 3-byte chunks give what read gives', async () => {
    expect(sniffPapyrus(bytes)).toBe(true)
    expect(sniffPapyrus(utf8('10:PUSH\n'))).toBe(false)
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    expect(dumpStacks((await readPapyrusStream(chunks))[0])).toBe(dumpStacks(profile))
  })

  test('a function popped before anything else ran on its stack ran since the log began', () => {
    const [p] = readPapyrus(
      utf8('10:PUSH:1:0:None:a..f\n30:POP:2:0:None:b..g\n40:POP:1:0:None:a..f\n'),
    )
    expect(dumpStacks(p).split('\n').sort()).toEqual(['f 30', 'g 20'])
  })

  test('callers entered before the log began are named by their POPs at lower depths', () => {
    // As StartStackProfiling logs: the first event pops the profiling call at depth 2, so two
    // callers were open below it; their POPs at depths 1 and 0 name them.
    const [p] = readPapyrus(
      utf8(
        [
          '0:POP:7:2:None:Debug..StartStackProfiling',
          '10:PUSH:7:2:None:s..a',
          '30:POP:7:2:None:s..a',
          '30:POP:7:1:None:s..b',
          '40:PUSH:7:1:None:s..c',
          '45:POP:7:1:None:s..c',
          '50:POP:7:0:None:s..main',
          '',
        ].join('\n'),
      ),
    )
    expect(dumpStacks(p).split('\n').sort()).toEqual([
      'main 15', // 30-40 and 45-50
      'main;b 10', // 0-10
      'main;b;a 20',
      'main;c 5',
    ])
    expect(p.meta.notes).toEqual([])
  })

  test('callers never named are left out; a PUSH closes what its depth says returned', () => {
    // Script profiling logs one script's functions: f runs at depth 2 under callers of other
    // scripts; g's PUSH at depth 1 says f's caller there returned.
    const [p] = readPapyrus(
      utf8(
        [
          '100:PUSH:3:2:None:s..f',
          '150:POP:3:2:None:s..f',
          '150:PUSH:3:1:None:s..g',
          '170:POP:3:1:None:s..g',
          '200:PUSH:3:0:None:s..k', // 170-200: only unknown functions ran, not counted
          '210:POP:3:0:None:s..k',
          '300:PUSH:1:0:None:s..a',
          '310:PUSH:1:1:None:s..b',
          '320:PUSH:1:1:None:s..c', // b returned without a POP in the log
          '330:POP:1:1:None:s..c',
          '340:POP:1:0:None:s..a',
          '',
        ].join('\n'),
      ),
    )
    expect(dumpStacks(p).split('\n').sort()).toEqual([
      'a 20',
      'a;b 10',
      'a;c 10',
      'f 50',
      'g 20',
      'k 10',
    ])
  })

  test('errors name the line', () => {
    expect(errorOf('10:PUSH:1:x:None:a..f\n')).toMatch(/line 1: the depth of a PUSH must be/)
    expect(errorOf('10:POP:1:1001:None:a..f\n')).toMatch(/line 1: the depth of a POP must be/)
    expect(errorOf('x log opened (PC)\nhello\n')).toMatch(/line 2: not a profiler event/)
    expect(errorOf('10:PUSH:1\n')).toMatch(/line 1: a PUSH without a function name/)
    expect(errorOf('x log opened (PC)\nLog closed\n')).toMatch(/no profiler events/)
  })
})
