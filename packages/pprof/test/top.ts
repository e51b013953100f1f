import { graphOf, type Profile } from '@profconv/model'

/** Per-function `flat cum` as `go tool pprof -top` prints them, by function name. */
export type Top = Map<string, { flat: number; cum: number; inline: boolean }>

/** Parses `go tool pprof -top -nodecount=0` output (values printed unscaled: `123ns`, `4B`, `7`). */
export function parseTop(text: string): Top {
  const top: Top = new Map()
  const lines = text.split('\n')
  const header = lines.findIndex((l) => /^\s*flat\s+flat%/.test(l))
  for (const line of lines.slice(header + 1)) {
    const m = /^\s*(-?[\d.]+)[a-zA-Z]*\s+\S+\s+\S+\s+(-?[\d.]+)[a-zA-Z]*\s+\S+\s+(.*)$/.exec(line)
    if (!m) continue
    const inline = /\s\((partial-)?inline\)$/.test(m[3])
    const name = m[3].replace(/\s\((partial-)?inline\)$/, '')
    // Same-named functions of different files print as separate lines: sum them.
    const seen = top.get(name)
    const flat = Number(m[1]) + (seen?.flat ?? 0)
    top.set(name, { flat, cum: Number(m[2]) + (seen?.cum ?? 0), inline })
  }
  return top
}

/**
 * profconv's per-function flat (self) and cum (total) for metric m from the model's call graph,
 * by name. pprof -top keys functions by name alone: where one name has several frames (same
 * name, different files) cum is counted once per stack by name, as pprof does.
 */
export function ourTop(profile: Profile, m: number): Top {
  const top: Top = new Map()
  const framesOf = new Map<string, number>()
  for (const f of profile.frames.frames) framesOf.set(f.name, (framesOf.get(f.name) ?? 0) + 1)
  for (const node of graphOf(profile).nodes) {
    const frame = profile.frames.get(node.frame)
    if (node.total[m] === 0 && node.self[m] === 0) continue
    const seen = top.get(frame.name)
    top.set(frame.name, {
      flat: node.self[m] + (seen?.flat ?? 0),
      cum: framesOf.get(frame.name)! > 1 ? cumByName(profile, m, frame.name) : node.total[m],
      inline: frame.inlined === true,
    })
  }
  return top
}

function cumByName(profile: Profile, m: number, name: string): number {
  const s = profile.samples!
  let cum = 0
  s.stack.forEach((leaf, i) => {
    for (let n = leaf; n >= 0; n = s.tree.parent(n)) {
      if (profile.frames.get(s.tree.frame(n)).name === name) return void (cum += s.values[m][i])
    }
  })
  return cum
}
