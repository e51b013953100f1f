import {
  SamplesBuilder,
  StackTree,
  joinAddress,
  type PositionDetail,
  type Profile,
  type Samples,
} from '@profconv/model'

/** The note when an arc's several call sites were written as its costliest one. */
export const SITES_NOTE =
  'where a caller calls one function from several places, the estimated stacks pass through ' +
  'the place of most cost (a call graph does not say which stacks go through which place); ' +
  'per-line self cost is exact'

/**
 * Samples carrying the position detail that lies beside a profile's call graph (callgrind's
 * lines, inlined files and addresses) in their stack tree, for pprof, whose locations hold it
 * there. Each sample is split among the position rows of its leaf function in proportion to the
 * rows' self cost, metric by metric: a row's self over all samples equals the detail's (the
 * samples of a leaf function add up to its self, also for stacks estimated from the graph). A
 * caller's node takes the call site of its call to the next frame (the costliest site where the
 * arc has several: then `notes` says so). `row[i]` is the detail row of sample i (-1: none), so
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

  // The costliest site of each arc (by the default metric, then the first).
  const bestSite = new Map<number, number>()
  let severalSites = false
  const d = profile.defaultMetric
  for (let r = 0; r < sites.length; r++) {
    const key = sites.caller[r] * F + sites.callee[r]
    const best = bestSite.get(key)
    if (best === undefined) bestSite.set(key, r)
    else {
      if (sites.total[r * M + d] !== 0) severalSites = true
      if (sites.total[r * M + d] > sites.total[best * M + d]) bestSite.set(key, r)
    }
  }

  // asCaller[c]: the new node of c's parent, placed at its call to c (-1 for a root's).
  const asCaller = new Int32Array(parent.length).fill(-2)
  const chain: number[] = []
  const callerOf = (c: number): number => {
    chain.length = 0
    for (let x = c; x >= 0 && asCaller[x] === -2; x = parent[x]) chain.push(x)
    for (let k = chain.length - 1; k >= 0; k--) {
      const y = chain[k]
      const p = parent[y]
      if (p < 0) {
        asCaller[y] = -1
        continue
      }
      const s = bestSite.get(frame[p] * F + frame[y])
      asCaller[y] =
        s === undefined
          ? tree.child(asCaller[p], frame[p])
          : tree.child(
              asCaller[p],
              frame[p],
              sites.line[s],
              fileOf(frame[p], sites.file[s]),
              addressOf(sites.addressHi[s], sites.addressLo[s]),
            )
    }
    return asCaller[c]
  }

  const builder = new SamplesBuilder(M, tree)
  const rows: number[] = []
  const values = new Float64Array(M)
  const part = new Float64Array(M)
  for (let i = 0; i < samples.stack.length; i++) {
    const leaf = samples.stack[i]
    const labels = samples.labels?.[i]
    for (let m = 0; m < M; m++) values[m] = samples.values[m][i]
    const f = leaf < 0 ? -1 : frame[leaf]
    if (f < 0 || first[f] === first[f + 1]) {
      builder.add(leaf < 0 ? -1 : tree.child(callerOf(leaf), f), values, labels)
      rows.push(-1)
      continue
    }
    const above = callerOf(leaf)
    for (let k = first[f]; k < first[f + 1]; k++) {
      const r = rowsOf[k]
      let any = false
      for (let m = 0; m < M; m++) {
        const total = self[f * M + m]
        const share = total !== 0 ? lines.self[r * M + m] / total : k === first[f] ? 1 : 0
        part[m] = values[m] * share
        if (part[m] !== 0) any = true
      }
      if (!any) continue
      const node = tree.child(
        above,
        f,
        lines.line[r],
        fileOf(f, lines.file[r]),
        addressOf(lines.addressHi[r], lines.addressLo[r]),
      )
      builder.add(node, part, labels)
      rows.push(r)
    }
  }
  return {
    samples: builder.finish(),
    row: Int32Array.from(rows),
    notes: severalSites ? [SITES_NOTE] : [],
  }
}
