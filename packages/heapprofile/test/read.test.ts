import { ProfconvError, graphOf, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { SCALED_NOTE, readHeapprofile, sniffHeapprofile } from '../src/index.js'

interface RawNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  selfSize: number
  children: RawNode[]
}
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

/** Per function `name url:line:col` (0-based as in the file): selfSize sum and sample count. */
function fromRaw(file: { head: RawNode; samples?: { nodeId: number }[] }) {
  const self = new Map<string, number>()
  const objects = new Map<string, number>()
  const keyOf = new Map<number, string>()
  const stack = [file.head]
  while (stack.length > 0) {
    const n = stack.pop()!
    const c = n.callFrame
    const key = `${c.functionName || '(anonymous)'} ${c.url}:${c.lineNumber}:${c.columnNumber}`
    keyOf.set(n.id, key)
    if (c.functionName !== '(root)') self.set(key, (self.get(key) ?? 0) + n.selfSize)
    stack.push(...n.children)
  }
  for (const s of file.samples ?? []) {
    const key = keyOf.get(s.nodeId)
    if (key) objects.set(key, (objects.get(key) ?? 0) + 1)
  }
  return { self, objects }
}

function fromProfile(p: Profile, m: number): Map<string, number> {
  const out = new Map<string, number>()
  for (const n of graphOf(p).nodes) {
    const f = p.frames.get(n.frame)
    const key = `${f.name} ${f.file ?? ''}:${(f.line ?? 0) - 1}:${(f.column ?? 0) - 1}`
    out.set(key, (out.get(key) ?? 0) + n.self[m])
  }
  return out
}

const nonZero = (m: Map<string, number>) => new Map([...m].filter(([, v]) => v !== 0))

describe.each(['workload-default', 'workload-small'])('node --heap-prof: %s', (name) => {
  const file = `heapprofile/${name}.heapprofile`
  const raw = JSON.parse(new TextDecoder().decode(fixture(file)))
  const profile = readHeapprofile(fixture(file))

  test('per-function self bytes equal the selfSize sums of the raw tree', () => {
    expect(nonZero(fromProfile(profile, 0))).toEqual(nonZero(fromRaw(raw).self))
    expect(profile.metrics[0]).toEqual({ name: 'space', unit: 'bytes' })
    expect(profile.meta.notes[0]).toBe(SCALED_NOTE)
  })

  test('the objects metric counts the samples of each function', () => {
    expect(profile.metrics[1]).toEqual({ name: 'objects', unit: 'count' })
    expect(nonZero(fromProfile(profile, 1))).toEqual(nonZero(fromRaw(raw).objects))
  })
})

describe('older files and errors', () => {
  const head = {
    callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 },
    selfSize: 0,
    children: [
      {
        callFrame: { functionName: 'main', url: 'app.js', lineNumber: 0, columnNumber: 9 },
        selfSize: 100,
        children: [
          {
            callFrame: { functionName: 'alloc', url: 'app.js', lineNumber: 4, columnNumber: 0 },
            selfSize: 4096,
            children: [],
          },
        ],
      },
    ],
  }

  test('no ids and no samples (the old DevTools shape): bytes only', () => {
    const p = readHeapprofile(bytes({ head }))
    expect(p.metrics).toEqual([{ name: 'space', unit: 'bytes' }])
    expect([...fromProfile(p, 0)]).toEqual([
      ['main app.js:0:9', 100],
      ['alloc app.js:4:0', 4096],
    ])
  })

  test('errors are ProfconvErrors', () => {
    for (const bad of [
      {},
      { head: 1 },
      { head: { selfSize: 1 } },
      { head: { ...head, selfSize: -1 } },
    ])
      expect(() => readHeapprofile(bytes(bad))).toThrow(ProfconvError)
  })

  test('sniffer', () => {
    expect(sniffHeapprofile(fixture('heapprofile/workload-small.heapprofile'))).toBe(true)
    expect(sniffHeapprofile(fixture('cpuprofile/workload.cpuprofile'))).toBe(false)
    expect(sniffHeapprofile(bytes({ nodes: [{ callFrame: { functionName: '"head":{' } }] }))).toBe(
      false,
    )
  })
})
