import {
  columnGraph,
  newEdgeColumns,
  type CallGraph,
  type EdgeColumns,
  type GraphNode,
} from '@profconv/model'
import type { FunctionTotals } from './inclusive.js'

/**
 * Functions as `ob`/`fl`/`fn` slot triples, numbered in order of first use. A lookup is a read
 * of typed arrays: no key string is made for the millions of fn= and calls= lines of a big file.
 */
export class FunctionIndex {
  count = 0
  /** The functions' `ob`, `fl`, `fn` slots, three per function in index order. */
  private triples = new Int32Array(3 * 256)
  /**
   * Per fn slot, three numbers side by side (one cache line for a lookup): index + 1 of the
   * function with that fn (0: none yet), and the ob and fl slots it was first seen with. The
   * same fn in another object or file is found in `others`.
   */
  private byFn = new Int32Array(3 * 1024)
  private readonly others = new Map<string, number>()

  /** The index of function `fn` of file `fl` in object `ob`, added on first use. */
  indexOf(ob: number, fl: number, fn: number): number {
    const at = 3 * fn
    if (at >= this.byFn.length) {
      this.byFn = grownInt32(this.byFn, Math.max(at + 3, this.byFn.length * 2))
    }
    const byFn = this.byFn
    const first = byFn[at] - 1
    if (first >= 0 && byFn[at + 1] === ob && byFn[at + 2] === fl) return first
    if (first < 0) {
      const id = this.add(ob, fl, fn)
      byFn[at] = id + 1
      byFn[at + 1] = ob
      byFn[at + 2] = fl
      return id
    }
    // Rare (one fn name in several files or objects): a string key is affordable here.
    const key = `${ob},${fl},${fn}`
    const other = this.others.get(key)
    if (other !== undefined) return other
    const id = this.add(ob, fl, fn)
    this.others.set(key, id)
    return id
  }

  /** Whether function `f` is function `fn` of file `fl` in object `ob`. */
  is(f: number, ob: number, fl: number, fn: number): boolean {
    const t = this.triples
    return t[3 * f + 2] === fn && t[3 * f] === ob && t[3 * f + 1] === fl
  }

  /** The `ob` slot of function `f`. */
  ob(f: number): number {
    return this.triples[3 * f]
  }

  /** The `fl` slot of function `f`. */
  fl(f: number): number {
    return this.triples[3 * f + 1]
  }

  /** The `fn` slot of function `f`. */
  fn(f: number): number {
    return this.triples[3 * f + 2]
  }

  private add(ob: number, fl: number, fn: number): number {
    const f = this.count++
    if (3 * f + 3 > this.triples.length) this.triples = grownInt32(this.triples, 6 * f)
    this.triples[3 * f] = ob
    this.triples[3 * f + 1] = fl
    this.triples[3 * f + 2] = fn
    return f
  }
}

/**
 * The call graph of one part while it is read, in typed arrays: functions (see `FunctionIndex`)
 * with their self cost, and call arcs with their summed inclusive cost and call count. A 100 MB
 * file adds a cost to these millions of times, so nothing here allocates per line: costs live
 * at `index * metricCount` in flat arrays, and arcs are found through an open-addressing hash
 * of (caller, callee).
 */
export class CostGraph {
  readonly functions = new FunctionIndex()
  /** Self cost of function `f`, metric `m`, at `f * metricCount + m`. */
  self = new Float64Array(0)
  arcCount = 0
  /** Inclusive cost of arc `a`, metric `m`, at `a * metricCount + m`. */
  arcTotal = new Float64Array(0)
  /** Summed call count of arc `a` (0: no count known, as `calls=0` means). */
  arcCalls = new Float64Array(0)
  arcCaller = new Int32Array(0)
  arcCallee = new Int32Array(0)
  /**
   * Arc index + 1 per hash slot (0: empty) of arcs `[0, indexedArcs)`; a power of two, kept at
   * most half full. The arcs of a caller's first run of calls (a function's first block: a
   * valgrind file of one dump has no other) are appended unindexed and found by a scan of the
   * run's own, until some caller comes back: then every arc is indexed.
   */
  private arcSlots = new Int32Array(1024)
  private indexedArcs = 0
  /** The caller of the current run of calls, where its arcs start, and whether it is new. */
  private runCaller = -1
  private runStart = 0
  private freshRun = false
  /** 1 per function that made a call. */
  private calling = new Uint8Array(256)
  /** The arc found last: a caller's calls tend to come in the order of its earlier ones. */
  private lastArc = -1

  constructor(readonly metricCount: number) {
    this.self = new Float64Array(256 * metricCount)
    this.growArcs(256)
  }

  get functionCount(): number {
    return this.functions.count
  }

  /** The index of function `fn` of file `fl` in object `ob`, added on first use. */
  function(ob: number, fl: number, fn: number): number {
    const f = this.functions.indexOf(ob, fl, fn)
    const M = this.metricCount
    if ((f + 1) * M > this.self.length) this.self = grownFloat64(this.self, 2 * (f + 1) * M)
    return f
  }

  /** The index of the arc `caller` → `callee`, added (with zero cost) on first use. */
  arc(caller: number, callee: number): number {
    // Arcs are numbered as first seen, so when a caller makes its calls in the same order as
    // before (the same code run again), each is the one after the last: no hash probe.
    const next = this.lastArc + 1
    if (
      next < this.arcCount &&
      this.arcCaller[next] === caller &&
      this.arcCallee[next] === callee
    ) {
      return (this.lastArc = next)
    }
    return (this.lastArc = this.findArc(caller, callee))
  }

  /**
   * The index of the arc from `caller` to function `fn` of file `fl` in object `ob`. The guess
   * of `arc` (the arc after the last) is checked against the callee's slots, so a repeated call
   * costs no function lookup.
   */
  call(caller: number, ob: number, fl: number, fn: number): number {
    const next = this.lastArc + 1
    if (
      next < this.arcCount &&
      this.arcCaller[next] === caller &&
      this.functions.is(this.arcCallee[next], ob, fl, fn)
    ) {
      return (this.lastArc = next)
    }
    return (this.lastArc = this.findArc(caller, this.function(ob, fl, fn)))
  }

  /**
   * The graph as the model holds it, with function `f` as frame `f`: nodes in function order,
   * each made once in its final shape from `totals`; edges in arc order, kept in columns
   * (`columnGraph`: no object per edge unless some reader of the graph asks for them). `calls`
   * is left out where no arc gave a count (a count that summed to 0).
   */
  toCallGraph(totals: FunctionTotals, edges = this.edgeColumns()): CallGraph {
    const M = this.metricCount
    const n = this.functionCount
    const nodes = new Array<GraphNode>(n)
    for (let f = 0; f < n; f++) {
      const node: GraphNode = {
        frame: f,
        self: slice(this.self, f * M, M),
        total: slice(totals.total, f * M, M),
      }
      if (totals.counted[f] & 1) node.calls = totals.calls[f]
      if (totals.counted[f] & 2) node.primitiveCalls = totals.primitiveCalls[f]
      if (totals.estimated?.[f]) node.totalEstimated = true
      nodes[f] = node
    }
    return columnGraph(nodes, edges)
  }

  /** The arcs as the model's edge columns (`calls` unknown where no arc gave a count). */
  edgeColumns(): EdgeColumns {
    const edges = newEdgeColumns(this.arcCount, this.metricCount)
    edges.caller.set(this.arcCaller.subarray(0, this.arcCount))
    edges.callee.set(this.arcCallee.subarray(0, this.arcCount))
    for (let a = 0; a < this.arcCount; a++) {
      if (this.arcCalls[a] !== 0) edges.calls[a] = this.arcCalls[a]
    }
    edges.total.set(this.arcTotal.subarray(0, this.arcCount * this.metricCount))
    return edges
  }

  /**
   * This graph with function `f` merged into function `into[f]` (numbered as first seen in
   * function order), costs and counts summed: for functions whose names turn out equal.
   */
  merged(into: Int32Array): CostGraph {
    const M = this.metricCount
    const out = new CostGraph(M)
    for (let f = 0; f < this.functionCount; f++) {
      const at = out.function(-1, -1, into[f]) * M
      for (let m = 0; m < M; m++) out.self[at + m] += this.self[f * M + m]
    }
    for (let a = 0; a < this.arcCount; a++) {
      const arc = out.arc(into[this.arcCaller[a]], into[this.arcCallee[a]])
      for (let m = 0; m < M; m++) out.arcTotal[arc * M + m] += this.arcTotal[a * M + m]
      out.arcCalls[arc] += this.arcCalls[a]
    }
    return out
  }

  private findArc(caller: number, callee: number): number {
    if (caller !== this.runCaller) this.startRun(caller)
    if (this.freshRun) {
      for (let a = this.runStart; a < this.arcCount; a++) if (this.arcCallee[a] === callee) return a
      // A long run (a caller of many callees): indexed as any.
      if (this.arcCount - this.runStart < 32) return this.addArc(caller, callee)
      this.freshRun = false
    }
    if (this.indexedArcs < this.arcCount) this.indexArcs()
    const mask = this.arcSlots.length - 1
    for (let h = arcHash(caller, callee) & mask; ; h = (h + 1) & mask) {
      const a = this.arcSlots[h] - 1
      if (a < 0) {
        const added = this.addArc(caller, callee)
        this.arcSlots[h] = added + 1
        this.indexedArcs = this.arcCount
        if (2 * this.arcCount > this.arcSlots.length) this.rehash(2 * this.arcSlots.length)
        return added
      }
      if (this.arcCaller[a] === caller && this.arcCallee[a] === callee) return a
    }
  }

  /** A run of calls from `caller` starts: fresh if it never called before. */
  private startRun(caller: number): void {
    this.runCaller = caller
    this.runStart = this.arcCount
    if (caller >= this.calling.length) {
      const calling = new Uint8Array(Math.max(caller + 1, 2 * this.calling.length))
      calling.set(this.calling)
      this.calling = calling
    }
    this.freshRun = caller >= 0 && this.calling[caller] === 0
    if (caller >= 0) this.calling[caller] = 1
  }

  /** Indexes the arcs appended unindexed (in a table grown to keep it half empty). */
  private indexArcs(): void {
    let size = this.arcSlots.length
    while (2 * this.arcCount > size) size *= 2
    this.rehash(size)
    this.indexedArcs = this.arcCount
  }

  private addArc(caller: number, callee: number): number {
    const a = this.arcCount++
    if (a >= this.arcCaller.length) this.growArcs(2 * a)
    this.arcCaller[a] = caller
    this.arcCallee[a] = callee
    return a
  }

  private growArcs(count: number): void {
    this.arcCaller = grownInt32(this.arcCaller, count)
    this.arcCallee = grownInt32(this.arcCallee, count)
    this.arcTotal = grownFloat64(this.arcTotal, count * this.metricCount)
    this.arcCalls = grownFloat64(this.arcCalls, count)
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size)
    const mask = size - 1
    for (let a = 0; a < this.arcCount; a++) {
      let h = arcHash(this.arcCaller[a], this.arcCallee[a]) & mask
      while (slots[h] !== 0) h = (h + 1) & mask
      slots[h] = a + 1
    }
    this.arcSlots = slots
  }
}

/**
 * `count` numbers from `at` as a plain array (no `subarray` view per node: this runs 100k times);
 * a literal for the usual few events, which V8 makes in one allocation of the final kind.
 */
function slice(a: Float64Array, at: number, count: number): number[] {
  if (count === 1) return [a[at]]
  if (count === 2) return [a[at], a[at + 1]]
  if (count === 3) return [a[at], a[at + 1], a[at + 2]]
  const out = new Array<number>(count)
  for (let i = 0; i < count; i++) out[i] = a[at + i]
  return out
}

/** Mixes two indices into a well-spread 32-bit hash (multiplicative hashing, then a shift). */
function arcHash(caller: number, callee: number): number {
  const h = Math.imul(caller, 0x9e3779b1) ^ Math.imul(callee + 1, 0x85ebca77)
  return h ^ (h >>> 15)
}

function grownInt32(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size)
  out.set(a.subarray(0, Math.min(a.length, size)))
  return out
}

function grownFloat64(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(size)
  out.set(a.subarray(0, Math.min(a.length, size)))
  return out
}
