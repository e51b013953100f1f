import {
  graphOf,
  nanosecondsPer,
  type Frame,
  type Metric,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { UNKNOWN_NAME } from './events.js'

/** The note added when a writer had to round fractional costs to callgrind's integers. */
export const ROUNDED_NOTE = 'callgrind costs are integers: fractional costs were rounded'

/**
 * Writes a profile's call graph as a callgrind file that KCachegrind and callgrind_annotate
 * read: `positions: line`, compressed names, every metric as an event (time metrics as integer
 * nanoseconds, said so in an `event:` line), each function's self cost on its first line, and
 * per call arc the call count and the callee's inclusive cost. An arc whose call count is
 * unknown (profiles made from samples) is written `calls=0`, as `go tool pprof` does: no count
 * is invented. `summary:` and `totals:` are the sums of the written self costs.
 */
export function writeCallgrind(profile: Profile, _options: WriteOptions = {}): string {
  const graph = graphOf(profile)
  const scales = profile.metrics.map((m) => nanosecondsPer(m.unit) ?? 1)
  let rounded = false
  /** Costs as callgrind's integers (time in nanoseconds). */
  const integers = (values: readonly number[]) =>
    values.map((v, m) => {
      const scaled = v * scales[m]
      const int = Math.round(scaled)
      if (Math.abs(int - scaled) > 1e-6 * Math.max(1, Math.abs(scaled))) rounded = true
      return int
    })

  const names = frameNames(profile.frames.frames)
  const objects = new Compressor()
  const files = new Compressor()
  const functions = new Compressor()
  const out: string[] = ['# callgrind format', 'version: 1', 'creator: profconv']
  if (profile.meta.name) out.push(`cmd: ${oneLine(profile.meta.name)}`)
  for (const comment of profile.meta.comments) out.push(`desc: ${oneLine(comment)}`)
  out.push('positions: line')
  const events = eventNames(profile.metrics)
  profile.metrics.forEach((m, i) => {
    if (nanosecondsPer(m.unit) !== undefined) {
      out.push(`event: ${events[i]} : ${oneLine(m.name)} in nanoseconds [nanoseconds]`)
    }
  })
  out.push(`events: ${events.join(' ')}`)
  const summaryAt = out.push('') - 1

  const byCaller = new Map<number, typeof graph.edges>()
  for (const e of graph.edges) {
    if (!byCaller.has(e.caller)) byCaller.set(e.caller, [])
    byCaller.get(e.caller)!.push(e)
  }
  const sums = new Array<number>(profile.metrics.length).fill(0)
  const withModules = profile.frames.frames.some((f) => f.module)
  for (const node of graph.nodes) {
    const frame = profile.frames.get(node.frame)
    const self = integers(node.self)
    self.forEach((v, m) => (sums[m] += v))
    out.push('')
    if (withModules) out.push(`ob=${objects.name(frame.module ?? UNKNOWN_NAME)}`)
    out.push(`fl=${files.name(frame.file ?? UNKNOWN_NAME)}`)
    out.push(`fn=${functions.name(names[node.frame])}`)
    const line = frame.line ?? 0
    out.push(`${line} ${self.join(' ')}`)
    for (const e of byCaller.get(node.frame) ?? []) {
      const callee = profile.frames.get(e.callee)
      if (withModules && callee.module !== frame.module) {
        out.push(`cob=${objects.name(callee.module ?? UNKNOWN_NAME)}`)
      }
      if (callee.file !== frame.file) out.push(`cfi=${files.name(callee.file ?? UNKNOWN_NAME)}`)
      out.push(`cfn=${functions.name(names[e.callee])}`)
      out.push(`calls=${e.calls ?? 0} ${callee.line ?? 0}`)
      out.push(`${line} ${integers(e.total).join(' ')}`)
    }
  }
  out[summaryAt] = `summary: ${sums.join(' ')}`
  out.push('', `totals: ${sums.join(' ')}`, '')
  if (rounded && !profile.meta.notes.includes(ROUNDED_NOTE)) profile.meta.notes.push(ROUNDED_NOTE)
  return out.join('\n')
}

/** Assigns callgrind's compressed ids: `(n) name` on first use, `(n)` afterwards. */
class Compressor {
  private readonly ids = new Map<string, number>()

  name(name: string): string {
    const id = this.ids.get(name)
    if (id !== undefined) return `(${id})`
    this.ids.set(name, this.ids.size + 1)
    return `(${this.ids.size}) ${oneLine(name)}`
  }
}

/**
 * The function name written for each frame. A callgrind function is its name, file and object;
 * frames that differ only in their line (two `__init__` in one Python file) get `name:line`.
 */
function frameNames(frames: readonly Frame[]): string[] {
  const key = (f: Frame) => `${f.name}\u0000${f.file ?? ''}\u0000${f.module ?? ''}`
  const seen = new Map<string, number>()
  for (const f of frames) seen.set(key(f), (seen.get(key(f)) ?? 0) + 1)
  return frames.map((f) =>
    seen.get(key(f))! > 1 && f.line !== undefined ? `${f.name}:${f.line}` : f.name,
  )
}

/**
 * Event names: the metric names without blanks, made unique; a time metric, written in
 * nanoseconds, gets `(ns)` in place of a unit its name states (`cpu(ms)` becomes `cpu(ns)`).
 */
function eventNames(metrics: readonly Metric[]): string[] {
  const used = new Set<string>()
  return metrics.map((m) => {
    let base = m.name.replace(/\s+/g, '_') || 'event'
    if (nanosecondsPer(m.unit) !== undefined) base = `${base.replace(/\([a-z]+\)$/, '')}(ns)`
    let name = base
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`
    used.add(name)
    return name
  })
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}
