import { JsonStream, ProfconvError, parseJson, type JsonPath, type JsonTake } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)

/** The root built whole by JsonStream, fed in chunks of `size` bytes. */
function build(bytes: Uint8Array, size: number): unknown {
  let out: unknown = 'nothing'
  const stream = new JsonStream('test', {
    select: () => 'value',
    value: (_path, value) => {
      out = value
    },
  })
  for (let at = 0; at < bytes.length; at += size) stream.push(bytes.subarray(at, at + size))
  stream.end()
  return out
}

/** Every event of a walk that enters every container, as text. */
function walk(text: string, size: number, take: (path: JsonPath) => JsonTake = () => 'enter') {
  const events: string[] = []
  const stream = new JsonStream('test', {
    select: (path, kind) => {
      events.push(`select ${path.join('.')} ${kind}`)
      return take(path)
    },
    value: (path, value) => events.push(`value ${path.join('.')} ${JSON.stringify(value)}`),
    leave: (path, kind) => events.push(`leave ${path.join('.')} ${kind}`),
  })
  const bytes = utf8(text)
  for (let at = 0; at < bytes.length; at += size) stream.push(bytes.subarray(at, at + size))
  stream.end()
  return events
}

const VALID = [
  '0',
  '-0',
  '  -12.5e+3 ',
  '1E2',
  '123456789012345678901234567890',
  '9007199254740993',
  '0.1',
  '-1.5e-300',
  '"plain"',
  '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"',
  '"utf-8 é € 😀"',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  '[1,[2,[3,[]]],{"a":{"b":[null,true,false]}}]',
  '{"a":1,"a":2,"__proto__":{"x":1},"":[]}',
  '\ufeff{"bom":true}',
  ' \n\t\r[ 1 , 2 ]\n',
]

const INVALID = [
  '',
  ' ',
  '[',
  '[1,]',
  '[1 2]',
  '{"a" 1}',
  '{"a":1,}',
  '{a:1}',
  '01',
  '-',
  '1.',
  '1e',
  '1e+',
  '.5',
  '+1',
  '"abc',
  '"a\\x"',
  '"a\\u12"',
  '"tab\there"',
  'tru',
  'nul',
  'truex',
  '[1]]',
  '{"a":1}}',
  '1 2',
  '[1}',
  '{"a":[}',
  "'a'",
  'NaN',
]

describe('JsonStream reads what JSON.parse reads, however the chunks fall', () => {
  test.each(VALID)('%s', (text) => {
    const bytes = utf8(text)
    const expected = JSON.parse(text.replace(/^\ufeff/, '')) as unknown
    for (const size of [1, 2, 3, 5, 7, 1 << 20]) {
      expect(build(bytes, size)).toEqual(expected)
    }
  })

  test.each(INVALID)('rejects %p with a positioned ProfconvError', (text) => {
    expect(() => JSON.parse(text)).toThrow()
    for (const size of [1, 3, 1 << 20]) {
      let caught: unknown
      try {
        build(utf8(text), size)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(ProfconvError)
      const error = caught as ProfconvError
      expect(error.format).toBe('test')
      expect(error.position.offset).toBeGreaterThanOrEqual(0)
      expect(error.position.offset).toBeLessThanOrEqual(text.length)
    }
  })

  test('random documents and their mutations: accepted exactly when JSON.parse accepts', () => {
    let seed = 7
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    const value = (depth: number): unknown => {
      const k = rand(depth > 3 ? 4 : 6)
      if (k === 0) return rand(1000) - 500 + (rand(2) ? rand(100) / 8 : 0)
      if (k === 1) return ['', 'a"b', 'é\n', 'x\\y', '\u2028'][rand(5)]
      if (k === 2) return [true, false, null][rand(3)]
      if (k === 3) return rand(1e9) * 1e10
      if (k === 4) return Array.from({ length: rand(4) }, () => value(depth + 1))
      return Object.fromEntries(
        Array.from({ length: rand(4) }, (_, i) => [`k${i}`, value(depth + 1)]),
      )
    }
    for (let round = 0; round < 300; round++) {
      let text = JSON.stringify(value(0))
      if (round % 2 === 1) {
        const at = rand(text.length + 1)
        const junk = ['', ',', ']', '}', '"', ':', '\\', '-', '0', 'e', ' ', '{'][rand(12)]
        text = text.slice(0, at) + junk + text.slice(at + rand(2))
      }
      let expected: unknown
      let ok = true
      try {
        expected = JSON.parse(text)
      } catch {
        ok = false
      }
      const size = 1 + rand(6)
      if (ok) expect(build(utf8(text), size)).toEqual(expected)
      else expect(() => build(utf8(text), size)).toThrow(ProfconvError)
    }
  })
})

describe('JsonStream offers members by path', () => {
  test('entered containers list their members; built values arrive whole', () => {
    const text = '{"a":[1,{"b":"x"}],"skip":{"deep":[1,2]},"c":{"d":null}}'
    const take = (path: JsonPath): JsonTake =>
      path[0] === 'skip' ? 'skip' : path[0] === 'c' ? 'value' : 'enter'
    for (const size of [1, 4, 100]) {
      expect(walk(text, size, take)).toEqual([
        'select  object',
        'select a array',
        'select a.0 number',
        'value a.0 1',
        'select a.1 object',
        'select a.1.b string',
        'value a.1.b "x"',
        'leave a.1 object',
        'leave a array',
        'select skip object',
        'select c object',
        'value c {"d":null}',
        'leave  object',
      ])
    }
  })

  test("a reader's error without a position gets the offset of the value at hand", () => {
    const stream = new JsonStream('test', {
      select: (path) => {
        if (path[0] === 2) throw new ProfconvError('reader', 'no third one')
        return 'enter'
      },
    })
    expect(() => stream.push(utf8('[10, 20, 30]'))).toThrow(
      expect.objectContaining({ format: 'reader', position: { offset: 9 } }) as Error,
    )
  })

  test('UTF-16 input is read through a transcoder', () => {
    const text = '{"name":"é€"}'
    const le = new Uint8Array(2 + text.length * 2)
    le.set([0xff, 0xfe])
    for (let k = 0; k < text.length; k++) {
      le[2 + 2 * k] = text.charCodeAt(k) & 0xff
      le[3 + 2 * k] = text.charCodeAt(k) >> 8
    }
    for (const size of [1, 3, 64]) expect(build(le, size)).toEqual({ name: 'é€' })
  })

  test('nesting 100,000 deep costs no stack', () => {
    const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    let depth = 0
    const stream = new JsonStream('test', {
      select: (path) => {
        depth = Math.max(depth, path.length)
        return 'enter'
      },
    })
    stream.push(utf8(text))
    stream.end()
    expect(depth).toBe(99_999)
  })
})

describe('parseJson', () => {
  const error = (text: string) => {
    try {
      parseJson(new TextEncoder().encode(text), 'fmt')
    } catch (e) {
      return (e as Error).message
    }
    return 'parsed'
  }

  test('reads what JSON.parse reads', () => {
    expect(parseJson(new TextEncoder().encode('{"a": [1, "é"]}'), 'fmt')).toEqual({ a: [1, 'é'] })
  })

  test.each([
    // V8: "Unexpected end of JSON input", no position
    [
      '{"a": [1, 2',
      'fmt: at byte 11: not valid JSON: the JSON ends early inside 2 open container(s)',
    ],
    // V8: "Unexpected token ']', …" is not valid JSON", no position
    ['{"abc"]', "fmt: at byte 6: not valid JSON: ']' where ':' should be"],
    // V8 counts characters (11); é is two bytes
    ['{"a": "é", }', "fmt: at byte 12: not valid JSON: '}' where a key in quotes should be"],
  ])('%p: one line with the byte offset where it goes wrong', (text, message) => {
    expect(error(text)).toBe(message)
  })
})
