import { ProfconvError, dumpStacks } from '@profconv/model'
import { Column } from '../src/column.js'
import { JsonBytes } from '../src/json-bytes.js'
import { readChromeTrace } from '../src/index.js'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('reading a trace from its bytes', () => {
  test('numbers are the numbers JSON.parse reads', () => {
    const texts = [
      '0',
      '-0',
      '7',
      '1.5',
      '0.1',
      '0.3',
      '-12.345',
      '123456789.123',
      '123456789012345',
      '1234567890123456',
      '9007199254740993',
      '12345678901234567890',
      '0.30000000000000004',
      '3.141592653589793',
      '1e3',
      '1E-2',
      '-2.5e+10',
      '1.7976931348623157e308',
      '5e-324',
      '0.000001234',
      '1.0000000000000002',
    ]
    const json = new JsonBytes(bytes(`[${texts.join(', ')}]`), 'chrome-trace')
    const read = new Column()
    expect(json.numbers(read)).toBe(true)
    expect(Array.from(read.values.subarray(0, read.length))).toEqual(
      texts.map((t) => JSON.parse(t) as number),
    )
    for (const text of texts) {
      const one = new JsonBytes(bytes(text), 'chrome-trace')
      expect(Object.is(one.number(), JSON.parse(text))).toBe(true)
    }
  })

  test('an array that holds anything but numbers is not numbers, and is read to its end', () => {
    const json = new JsonBytes(bytes('[1, "2", 3] x'), 'chrome-trace')
    expect(json.numbers(new Column())).toBe(false)
    expect(json.at).toBe(11)
  })

  test('names with escapes, non-ASCII names and escaped keys read as JSON.parse reads them', () => {
    const events = [
      { ph: 'X', pid: 1, tid: 1, ts: 0, dur: 10, name: 'outer "q" \\ \u00e9\u4e2d\ud83d\ude00' },
      { ph: 'X', pid: 1, tid: 1, ts: 1, dur: 2, name: 'a' },
      { ph: 'X', pid: 1, tid: 1, ts: 5, dur: 2, name: 'a' },
    ]
    const text = JSON.stringify(events).replace(
      '"ph":"X","pid":1,"tid":1,"ts":5',
      '"p\\u0068":"X","pid":1,"tid":1,"\\u0074s":5',
    )
    const [profile] = readChromeTrace(bytes(text))
    expect(dumpStacks(profile)).toBe([`${events[0].name} 6`, `${events[0].name};a 4`].join('\n'))
  })

  test('pids and tids as numbers and strings name the same threads', () => {
    const text = JSON.stringify([
      { ph: 'X', pid: 1, tid: 2.0, ts: 0, dur: 3, name: 'a' },
      { ph: 'X', pid: '1', tid: '2', ts: 3, dur: 3, name: 'b' },
      { ph: 'X', pid: 1, tid: 20, ts: 0, dur: 3, name: 'c' },
    ])
    expect(readChromeTrace(bytes(text)).map((p) => p.meta.name)).toEqual([
      'pid 1, tid 2',
      'pid 1, tid 20',
    ])
  })

  test('a ProfileChunk reads the same with args before its name (as Chrome writes) or after', () => {
    const data = {
      cpuProfile: {
        nodes: [
          { id: 1, callFrame: { functionName: '(root)', scriptId: 0, url: '', lineNumber: -1 } },
          {
            id: 2,
            callFrame: { functionName: 'main', scriptId: 1, url: 'a.js', lineNumber: 0 },
            parent: 1,
          },
          {
            id: 3,
            callFrame: { functionName: 'work', scriptId: 1, url: 'a.js', lineNumber: 9 },
            parent: 2,
          },
        ],
        samples: [3, 2, 3, 3],
      },
      lines: [11, 2, 12, 12],
      timeDeltas: [100, 250, 100, 50],
    }
    const head = { ph: 'P', pid: 7, tid: 9, id: '0x1', ts: 1000 }
    const first = JSON.stringify([
      { ...head, name: 'Profile', args: { data: { startTime: 1000 } } },
      { args: { data: { ...data, endTime: 1600 } }, ...head, name: 'ProfileChunk' },
    ])
    const second = JSON.stringify([
      { args: { data: { startTime: 5 } }, ...head, name: 'Profile' },
      { ...head, name: 'ProfileChunk', args: { data: { ...data, endTime: 1600 } } },
    ])
    const dump = (text: string) => dumpStacks(readChromeTrace(bytes(text))[0])
    // Samples at 1100 (work), 1350 (main), 1450 and 1500 (work), each lasting until the next,
    // the last until endTime 1600.
    expect(dump(first)).toBe('main (a.js:1) 100 1\nmain (a.js:1);work (a.js:10) 400 3')
    expect(dump(second)).toBe(dump(first))
  })

  test('args nested deeper than the stack is high are skipped, not a crash', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`
    const text = `[{"ph":"X","pid":1,"tid":1,"ts":0,"dur":5,"name":"a","args":{"x":${deep}}}]`
    expect(dumpStacks(readChromeTrace(bytes(text))[0])).toBe('a 5')
  })

  test('syntax errors inside an event give the byte where they are', () => {
    const cases: [string, number][] = [
      ['[{"ph":"X","pid":1,"tid":1,"ts":01,"dur":1,"name":"a"}]', 33],
      ['[{"ph":"X","pid":1,"tid":1,"ts":1,"dur":1,"name":"a\u0001"}]', 51],
      ['[{"ph":"X","pid":1,"tid":1,"ts":1,"dur":1,"name":"a","args":{"x":tru}}]', 65],
      ['[{"ph":"X" "pid":1}]', 11],
      ['[{"ph":"X","pid":1,"tid":1,"ts":1,"dur":1,"name":"\\x"}]', 49],
    ]
    for (const [text, at] of cases) {
      let error: unknown
      try {
        readChromeTrace(bytes(text))
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(ProfconvError)
      expect((error as ProfconvError).position.offset).toBe(at)
    }
  })
})
