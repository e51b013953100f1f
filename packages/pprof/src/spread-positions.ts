import {
  SamplesBuilder,
  StackTree,
  joinAddress,
  type PositionDetail,
  type Profile,
  type Samples,
} from '@profconv/model'

/** The note when an arc's several call sites share its estimated stacks. */
export const SITES_NOTE =
  'where a caller calls one function from several places, the estimated stacks through that ' +
  'call were shared among the places in proportion to their inclusive cost (a call graph does ' +
  'not say which stacks go through which place); per-line self cost is exact'

/** At most this many places for one stack node's caller; past it, the costliest site. */
const MAX_PLACES = 16

/** The note when a stack had too many combinations of call sites to share among. */
export const CAPPED_NOTE =
  `where a stack passes more than ${MAX_PLACES} combinations of call places, the costliest place ` +
  'of each further call was taken'

/**
 * Samples carrying the position detail that lies beside a profile's call graph (callgrind's
 * lines, inlined files and addresses) in their stack tree, for pprof, whose locations hold it
 * there. Each sample is split among the position rows of its leaf function in proportion to the
 * rows' self cost, metric by metric: a row's self over all samples equals the detail's (the
 * samples of a leaf function add up to its self, also for stacks estimated from the graph). A
 * caller's node takes the call site of its call to the next frame; where the arc has several,
 * the samples below are shared among them in proportion to the sites' inclusive cost (`notes`
 * says so). `row[i]` is the detail row of sample i (-1: none), so
 * that rounding to integers can carry its error per row.
 */
export function spreadPositions(
  profile: Profile,
  samples: Samples,
  detail: PositionDetail,
): { samples: Samples; row: Int32Array; notes: string[] } {
  const M = profile.metrics.length
  const frames = profile.frames
  const F = frames.length
  const { lines, sites } = detail
  const { parent, frame } = samples.tree.columns()
  const tree = new StackTree()

  // The file of a detail row as a tree file id: -1 when it is the frame's own.
  const fileOf = (f: number, file: number) =>
    file < 0 || detail.files[file] === frames.get(f).file ? -1 : tree.fileId(detail.files[file])
  const addressOf = (hi: number, lo: number) => (hi === 0 ? lo : joinAddress(hi, lo))

  // Rows of each frame, in first-appearance order (counting sort), and each frame's self.
  const first = new Int32Array(F + 1)
  for (let r = 0; r < lines.length; r++) first[lines.frame[r] + 1]++
  for (let f = 0; f < F; f++) first[f + 1] += first[f]
  const rowsOf = new Int32Array(lines.length)
  const fill = first.slice(0, F)
  for (let r = 0; r < lines.length; r++) rowsOf[fill[lines.frame[r]]++] = r
  const self = new Float64Array(F * M)
  for (let r = 0; r < lines.length; r++)
    for (let m = 0; m < M; m++) self[lines.frame[r] * M + m] += lines.self[r * M + m]

  // The sites of each arc, first-appearance order, with their shares of its inclusive cost (by
  // the default metric; all to the first where the arc cost nothing) and the costliest.
  const d = profile.defaultMetric
  const arcSites = new Map<number, { rows: number[]; shares: number[]; best: number }>()
  for (let r = 0; r < sites.length; r++) {
    const key = sites.caller[r] * F + sites.callee[r]
    const arc = arcSites.get(key)
    if (!arc) arcSites.set(key, { rows: [r], shares: [], best: r })
    else {
      arc.rows.push(r)
      if (sites.total[r * M + d] > sites.total[arc.best * M + d]) arc.best = r
    }
  }
  let severalSites = false
  for (const arc of arcSites.values()) {
    let sum = 0
    for (const r of arc.rows) sum += sites.total[r * M + d]
    arc.shares = arc.rows.map((r, k) => (sum > 0 ? sites.total[r * M + d] / sum : k === 0 ? 1 : 0))
    if (arc.shares.filter((x) => x > 0).length > 1) severalSites = true
  }
  const siteNode = (above: number, f: number, s: number) =>
    tree.child(
      above,
      f,
      sites.line[s],
      fileOf(f, sites.file[s]),
      addressOf(sites.addressHi[s], sites.addressLo[s]),
    )

  // Where node c's parent sits when it calls c: new nodes with weights summing to 1. One place
  // (weight 1) in `single`, the rarer several in `multi`; -2: not known yet, -1: c is a root.
  const single = new Int32Array(parent.length).fill(-2)
  const multi = new Map<number, { nodes: number[]; weights: number[] }>()
  let capped = false
  const chain: number[] = []
  const places = (c: number): { nodes: number[]; weights: number[] } => {
    chain.length = 0
    for (let x = c; x >= 0 && single[x] === -2 && !multi.has(x); x = parent[x]) chain.push(x)
    for (let k = chain.length - 1; k >= 0; k--) {
      const y = chain[k]
      const p = parent[y]
      if (p < 0) {
        single[y] = -1
        continue
      }
      const above = placesOf(p)
      const arc = arcSites.get(frame[p] * F + frame[y])
      const spread = arc ? arc.rows.filter((_, j) => arc.shares[j] > 0).length : 0
      if (spread > 1 && above.nodes.length * spread > MAX_PLACES) capped = true
      if (spread <= 1 || above.nodes.length * spread > MAX_PLACES) {
        const s = arc
          ? spread === 1
            ? arc.rows[arc.shares.findIndex((x) => x > 0)]
            : arc.best
          : -1
        const nodes = above.nodes.map((P) =>
          s < 0 ? tree.child(P, frame[p]) : siteNode(P, frame[p], s),
        )
        if (nodes.length === 1) single[y] = nodes[0]
        else multi.set(y, { nodes, weights: above.weights })
        continue
      }
      const out = { nodes: [] as number[], weights: [] as number[] }
      above.nodes.forEach((P, i) =>
        arc!.rows.forEach((s, j) => {
          if (arc!.shares[j] === 0) return
          out.nodes.push(siteNode(P, frame[p], s))
          out.weights.push(above.weights[i] * arc!.shares[j])
        }),
      )
      multi.set(y, out)
    }
    return placesOf(c)
  }
  const placesOf = (c: number) =>
    single[c] !== -2 ? { nodes: [single[c]], weights: [1] } : multi.get(c)!

  const builder = new SamplesBuilder(M, tree)
  const rows: number[] = []
  const values = new Float64Array(M)
  const part = new Float64Array(M)
  for (let i = 0; i < samples.stack.length; i++) {
    const leaf = samples.stack[i]
    const labels = samples.labels?.[i]
    for (let m = 0; m < M; m++) values[m] = samples.values[m][i]
    if (leaf < 0) {
      builder.add(-1, values, labels)
      rows.push(-1)
      continue
    }
    const f = frame[leaf]
    const where = places(leaf)
    for (let at = 0; at < where.nodes.length; at++) {
      const w = where.weights[at]
      if (first[f] === first[f + 1]) {
        for (let m = 0; m < M; m++) part[m] = values[m] * w
        builder.add(tree.child(where.nodes[at], f), part, labels)
        rows.push(-1)
        continue
      }
      for (let k = first[f]; k < first[f + 1]; k++) {
        const r = rowsOf[k]
        let any = false
        for (let m = 0; m < M; m++) {
          const total = self[f * M + m]
          const share = total !== 0 ? lines.self[r * M + m] / total : k === first[f] ? 1 : 0
          part[m] = values[m] * w * share
          if (part[m] !== 0) any = true
        }
        if (!any) continue
        const node = tree.child(
          where.nodes[at],
          f,
          lines.line[r],
          fileOf(f, lines.file[r]),
          addressOf(lines.addressHi[r], lines.addressLo[r]),
        )
        builder.add(node, part, labels)
        rows.push(r)
      }
    }
  }
  const notes = severalSites ? [SITES_NOTE] : []
  if (capped) notes.push(CAPPED_NOTE)
  return {
    samples: builder.finish(),
    row: Int32Array.from(rows),
    notes,
  }
}
