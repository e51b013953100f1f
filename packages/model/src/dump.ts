import { graphOf } from './derive.js'
import type { Frame } from './frame-table.js'
import type { Profile } from './profile.js'

/** `name (file:line)` or just the name: how frames read in dumps and messages. */
export function frameText(frame: Frame): string {
  if (!frame.file) return frame.name
  return `${frame.name} (${frame.file}${frame.line !== undefined ? `:${frame.line}` : ''})`
}

/**
 * A normalised text dump of a profile's stacks, one line per distinct stack, sorted:
 * `main;parse;lex 10 3` (root first, then each metric's value). For snapshots and diffs.
 */
export function dumpStacks(profile: Profile): string {
  const s = profile.samples
  if (!s) return ''
  const sums = new Map<string, number[]>()
  for (let i = 0; i < s.stack.length; i++) {
    const names = s.stack[i] < 0 ? [] : s.tree.stack(s.stack[i])
    const key = names.map((f) => frameText(profile.frames.get(f))).join(';')
    const sum = sums.get(key) ?? new Array<number>(s.values.length).fill(0)
    s.values.forEach((column, m) => (sum[m] += column[i]))
    sums.set(key, sum)
  }
  return [...sums]
    .map(([stack, values]) => `${stack} ${values.map(round).join(' ')}`)
    .sort()
    .join('\n')
}

/**
 * A normalised text dump of a profile's call graph: one line per function
 * (`fn name self=… total=… calls=…`) and per edge (`edge a -> b total=… calls=…`), sorted.
 */
export function dumpGraph(profile: Profile): string {
  const graph = graphOf(profile)
  const name = (id: number) => frameText(profile.frames.get(id))
  const calls = (c?: number, p?: number) =>
    (c !== undefined ? ` calls=${c}` : '') + (p !== undefined && p !== c ? `/${p}` : '')
  const lines = [
    ...graph.nodes.map(
      (n) =>
        `fn ${name(n.frame)} self=${n.self.map(round).join(',')} total=${n.total.map(round).join(',')}${calls(n.calls, n.primitiveCalls)}`,
    ),
    ...graph.edges.map(
      (e) =>
        `edge ${name(e.caller)} -> ${name(e.callee)} total=${e.total.map(round).join(',')}${calls(e.calls, e.primitiveCalls)}`,
    ),
  ]
  return lines.sort().join('\n')
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(9)))
}
