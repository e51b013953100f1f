import { columnGraph, newEdgeColumns, type CallGraph, type GraphNode } from '@profconv/model'

/**
 * The call graph of one part while it is read, in typed arrays: functions (the `ob`/`fl`/`fn`
 * slot triples, numbered in order of first use) with their self cost, and call arcs with their
 * summed inclusive cost and call count. A 100 MB file adds a cost to these millions of times,
 * so nothing here allocates per line: costs live at `index * metricCount` in flat arrays, and
 * arcs are found through an open-addressing hash of (caller, callee).
 */
export class CostGraph {
  functionCount = 0
  /** Self cost of function `f`, metric `m`, at `f * metricCount + m`. */
  self = new Float64Array(0)
  arcCount = 0
  /** Inclusive cost of arc `a`, metric `m`, at `a * metricCount + m`. */
  arcTotal = new Float64Array(0)
  arcCalls = new Float64Array(0)
  private arcCaller = new Int32Array(0)
  private arcCallee = new Int32Array(0)
  /** Arc index + 1 per hash slot (0: empty); a power of two, kept at most half full. */
  private arcSlots = new Int32Array(1024)

  /** The functions' `ob`, `fl`, `fn` slots, three per function in index order. */
  private triples = new Int32Array(0)
  /**
   * Per fn slot, three numbers side by side (one cache line for a lookup): index + 1 of the
   * function with that fn (0: none yet), and the ob and fl slots it was first seen with. The
   * same fn in another object or file is found in `otherFunctions`.
   */
  private byFn = new Int32Array(3 * 1024)
  private readonly otherFunctions = new Map<string, number>()
  /** The arc found last: a caller's calls tend to come in the order of its earlier ones. */
  private lastArc = -1

  constructor(readonly metricCount: number) {
    this.growFunctions(256)
    this.growArcs(256)
  }

  /** The index of function `fn` of file `fl` in object `ob`, added on first use. */
  function(ob: number, fl: number, fn: number): number {
    const at = 3 * fn
    if (at >= this.byFn.length) {
      this.byFn = grownInt32(this.byFn, Math.max(at + 3, this.byFn.length * 2))
    }
    const byFn = this.byFn
    const first = byFn[at] - 1
    if (first >= 0 && byFn[at + 1] === ob && byFn[at + 2] === fl) return first
    // Rare (one fn name in several files or objects): a string key is affordable here.
    const key = `${ob},${fl},${fn}`
    const other = first < 0 ? undefined : this.otherFunctions.get(key)
    if (other !== undefined) return other
    const id = this.addFunction(ob, fl, fn)
    if (first < 0) {
      byFn[at] = id + 1
      byFn[at + 1] = ob
      byFn[at + 2] = fl
    } else this.otherFunctions.set(key, id)
    return id
  }

  /** The `ob`, `fl`, `fn` slots of function `f`. */
  slots(f: number): [ob: number, fl: number, fn: number] {
    const t = this.triples
    return [t[3 * f], t[3 * f + 1], t[3 * f + 2]]
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
   * The graph as the model holds it, with `frameOf[f]` as the frame of function `f`: nodes in
   * function order, edges in arc order, kept in columns (`columnGraph`: no object per edge
   * unless some reader of the graph asks for them). `calls` is left out where the count summed
   * to 0 (go tool pprof and profconv write `calls=0` for "count unknown"). Totals are left at 0.
   */
  toCallGraph(frameOf: ArrayLike<number>): CallGraph {
    const M = this.metricCount
    const nodes: GraphNode[] = []
    for (let f = 0; f < this.functionCount; f++) {
      const self = slice(this.self, f * M, M)
      nodes.push({ frame: frameOf[f], self, total: new Array<number>(M).fill(0) })
    }
    const edges = newEdgeColumns(this.arcCount, M)
    for (let a = 0; a < this.arcCount; a++) {
      edges.caller[a] = frameOf[this.arcCaller[a]]
      edges.callee[a] = frameOf[this.arcCallee[a]]
      if (this.arcCalls[a] !== 0) edges.calls[a] = this.arcCalls[a]
    }
    edges.total.set(this.arcTotal.subarray(0, this.arcCount * M))
    return columnGraph(nodes, edges)
  }

  private findArc(caller: number, callee: number): number {
    const mask = this.arcSlots.length - 1
    for (let h = arcHash(caller, callee) & mask; ; h = (h + 1) & mask) {
      const a = this.arcSlots[h] - 1
      if (a < 0) {
        const added = this.addArc(caller, callee)
        this.arcSlots[h] = added + 1
        if (2 * this.arcCount > this.arcSlots.length) this.rehash(2 * this.arcSlots.length)
        return added
      }
      if (this.arcCaller[a] === caller && this.arcCallee[a] === callee) return a
    }
  }

  private addFunction(ob: number, fl: number, fn: number): number {
    const f = this.functionCount++
    if (3 * f + 3 > this.triples.length) this.growFunctions(2 * f)
    this.triples[3 * f] = ob
    this.triples[3 * f + 1] = fl
    this.triples[3 * f + 2] = fn
    return f
  }

  private addArc(caller: number, callee: number): number {
    const a = this.arcCount++
    if (a >= this.arcCaller.length) this.growArcs(2 * a)
    this.arcCaller[a] = caller
    this.arcCallee[a] = callee
    return a
  }

  private growFunctions(count: number): void {
    this.triples = grownInt32(this.triples, 3 * count)
    this.self = grownFloat64(this.self, count * this.metricCount)
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

/** `count` numbers from `at` as a plain array (no `subarray` view per node: this runs 100k times). */
function slice(a: Float64Array, at: number, count: number): number[] {
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
