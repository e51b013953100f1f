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
      'OnInit 40', // 1000-1010 and 1120-1150
      'OnInit;SetupStage 50', // 1010-1040 and 1100-1120: the queue wait stays in SetupStage
      'OnInit;SetupStage;Wait 60',
      'OnUpdate 340', // stack 314 from 1150 to the last event (1500), less GetPlayer
      'OnUpdate;GetPlayer 10',
    ])
    expect(profile.frames.frames.find((f) => f.name === 'Wait')?.module).toBe('utility')
    expect(profile.samples!.labels![0]).toEqual([{ key: 'stack', str: '200' }])
    expect(profile.samples!.time![0]).toBe(0)
    expect(profile.meta.notes.join()).toMatch(/1 POP event\(s\) of functions entered before/)
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

  test('errors name the line', () => {
    expect(errorOf('x log opened (PC)\nhello\n')).toMatch(/line 2: not a profiler event/)
    expect(errorOf('10:PUSH:1\n')).toMatch(/line 1: a PUSH without a function name/)
    expect(errorOf('x log opened (PC)\nLog closed\n')).toMatch(/no profiler events/)
  })
})
