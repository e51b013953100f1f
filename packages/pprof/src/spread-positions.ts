import {
  SamplesBuilder,
  StackTree,
  joinAddress,
  type Label,
  type PositionDetail,
  type Profile,
  type Samples,
} from '@profconv/model'

/** The note when an arc's several call sites share its estimated stacks. */
export const SITES_NOTE =
  'where a caller calls one function from several places, the estimated stacks through that ' +
  'call were shared among the places in proportion to their inclusive cost, each stack whole ' +
  '(a call graph does not say which stacks go through which place); per-line self cost is exact'

/**
 * Samples carrying the position detail that lies beside a profile's call graph (callgrind's
 * lines, inlined files and addresses) in their stack tree, for pprof, whose locations hold it
 * there. Each sample is split among the position rows of its leaf function in proportion to the
 * rows' self cost, metric by metric: a row's self over all samples equals the detail's (the
 * samples of a leaf function add up to its self, also for stacks estimated from the graph). A
 * caller's node takes the call site of its call to the next frame; where the arc has several,
 * the stacks through it are shared among them, each whole, as near the sites' shares of the
 * inclusive cost as whole stacks allow (`notes` says so). `row[i]` is the detail row of sample i (-1: none), so
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

  // Inclusive cost of each stack node in the default metric.
  const inclusive = new Float64Array(parent.length)
  for (let i = 0; i < samples.stack.length; i++)
    if (samples.stack[i] >= 0) inclusive[samples.stack[i]] += samples.values[d][i]
  for (let n = parent.length - 1; n > 0; n--)
    if (parent[n] >= 0) inclusive[parent[n]] += inclusive[n]

  // The place of each stack node's call from its parent, as an index into its arc's sites.
  // Where the arc has several, its stack nodes go whole, largest first, each to the place
  // furthest below its share of the cost so far: the places' costs come near their shares
  // without splitting a stack (which would multiply the stacks below it).
  const siteChoice = new Int32Array(parent.length)
  const throughArc = new Map<number, number[]>()
  for (let y = 0; y < parent.length; y++) {
    if (parent[y] < 0) continue
    const key = frame[parent[y]] * F + frame[y]
    const arc = arcSites.get(key)
    if (!arc) continue
    if (arc.rows.length === 1) continue
    let list = throughArc.get(key)
    if (!list) throughArc.set(key, (list = []))
    list.push(y)
  }
  for (const [key, nodes] of throughArc) {
    const arc = arcSites.get(key)!
    const sums = new Float64Array(arc.rows.length)
    let total = 0
    nodes.sort((a, b) => inclusive[b] - inclusive[a] || a - b)
    for (const y of nodes) {
      total += inclusive[y]
      let j = 0
      let most = -Infinity
      for (let at = 0; at < arc.rows.length; at++) {
        const want = arc.shares[at] * total - sums[at]
        if (arc.shares[at] > 0 && want > most) {
          most = want
          j = at
        }
      }
      sums[j] += inclusive[y]
      siteChoice[y] = j
    }
  }

  // The new node of c's parent, placed at its call to c (-2: not known yet; -1: c is a root).
  const callerNode = new Int32Array(parent.length).fill(-2)
  const chain: number[] = []
  const callerOf = (c: number): number => {
    chain.length = 0
    for (let x = c; x >= 0 && callerNode[x] === -2; x = parent[x]) chain.push(x)
    for (let k = chain.length - 1; k >= 0; k--) {
      const y = chain[k]
      const p = parent[y]
      if (p < 0) {
        callerNode[y] = -1
        continue
      }
      const above = callerNode[p] === -2 ? -1 : callerNode[p]
      const key = frame[p] * F + frame[y]
      const arc = arcSites.get(key)
      if (!arc) {
        callerNode[y] = tree.child(above, frame[p])
        continue
      }
      callerNode[y] = siteNode(above, frame[p], arc.rows[siteChoice[y]])
    }
    return callerNode[c]
  }

  // The samples of a leaf function are matched to its rows in order by the default metric (a
  // row's cost filled from the samples in turn, a sample split only where a row ends), so the
  // pieces are at most samples + rows, not samples × rows. A piece carries its share of the
  // row's cost in every metric: each row's self is exact per metric.
  const itemNode = Int32Array.from(samples.stack, (leaf) => (leaf < 0 ? -1 : callerOf(leaf)))
  const leafFrame = (k: number) => {
    const leaf = samples.stack[k]
    return leaf < 0 ? -1 : frame[leaf]
  }
  const builder = new SamplesBuilder(M, tree)
  const rows: number[] = []
  const part = new Float64Array(M)
  const dv = samples.values[d]
  const add = (node: number, row: number, labels: readonly Label[] | undefined) => {
    builder.add(node, part, labels)
    rows.push(row)
  }
  // Samples of functions without rows, as they are.
  for (let k = 0; k < samples.stack.length; k++) {
    const f = leafFrame(k)
    if (f >= 0 && first[f] !== first[f + 1]) continue
    const i = k
    for (let m = 0; m < M; m++) part[m] = samples.values[m][i]
    add(f < 0 ? -1 : tree.child(itemNode[k], f), -1, samples.labels?.[i])
  }
  // Samples of each function with rows, in order (leaf first-appearance).
  const itemsOf = new Int32Array(F + 1)
  for (let k = 0; k < samples.stack.length; k++) {
    const f = leafFrame(k)
    if (f >= 0) itemsOf[f + 1]++
  }
  for (let f = 0; f < F; f++) itemsOf[f + 1] += itemsOf[f]
  const byFrame = new Int32Array(itemsOf[F])
  const next = itemsOf.slice(0, F)
  for (let k = 0; k < samples.stack.length; k++) {
    const f = leafFrame(k)
    if (f >= 0) byFrame[next[f]++] = k
  }
  const rowNode = (at: number, f: number, r: number) =>
    tree.child(
      at,
      f,
      lines.line[r],
      fileOf(f, lines.file[r]),
      addressOf(lines.addressHi[r], lines.addressLo[r]),
    )
  for (let f = 0; f < F; f++) {
    if (first[f] === first[f + 1] || itemsOf[f] === itemsOf[f + 1]) continue
    const firstItem = byFrame[itemsOf[f]]
    let k = itemsOf[f]
    let left = dv[firstItem] // of the current sample
    for (let j = first[f]; j < first[f + 1]; j++) {
      const r = rowsOf[j]
      const cost = lines.self[r * M + d]
      if (!(cost > 0)) {
        // No cost in the default metric: the row goes whole with the function's first sample.
        let any = false
        for (let m = 0; m < M; m++) if ((part[m] = lines.self[r * M + m]) !== 0) any = true
        if (any) add(rowNode(itemNode[firstItem], f, r), r, samples.labels?.[firstItem])
        continue
      }
      let done = 0 // fraction of the row placed
      const last = j === first[f + 1] - 1
      while (done < 1) {
        while (left <= 0 && k < itemsOf[f + 1] - 1) {
          k++
          left = dv[byFrame[k]]
        }
        const item = byFrame[k]
        // The last sample takes whatever is left (rounding errors).
        const atEnd = k === itemsOf[f + 1] - 1
        const take = atEnd ? 1 - done : Math.min(1 - done, left / cost)
        if (take <= 0) break
        for (let m = 0; m < M; m++) part[m] = lines.self[r * M + m] * take
        add(rowNode(itemNode[item], f, r), r, samples.labels?.[item])
        done += take
        left -= take * cost
        // What floating point leaves of a used-up sample (~1e-15 of it) is no sample: left as
        // it is, each further piece would take a smaller fraction of the row until the
        // fraction underflows to 0 and the rest of the row was lost.
        if (left <= dv[item] * 1e-9) left = 0
        if (!last && 1 - done < 1e-12) done = 1
      }
    }
  }
  const notes = severalSites ? [SITES_NOTE] : []
  return {
    samples: builder.finish(),
    row: Int32Array.from(rows),
    notes,
  }
}
