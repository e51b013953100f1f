/**
 * Call stacks as a prefix tree in columnar arrays (the layout of pprof and the Firefox
 * Profiler): node = frame + parent. A child's id is always greater than its parent's, so a
 * reverse scan visits children before parents. The root has parent -1.
 *
 * A node may also carry the 1-based source line its frame was at (pprof keeps one per location);
 * 0 means unknown. The line is part of the node's identity, not the frame's: the same function at
 * two lines under one parent is two nodes of one frame. The column exists only once a line is given.
 */
export class StackTree {
  private parents = new Int32Array(1024)
  private frames = new Int32Array(1024)
  private lines: Int32Array | undefined
  private count = 0
  // Open-addressing hash of (parent, frame) -> node id + 1.
  private slots = new Int32Array(2048)

  get length(): number {
    return this.count
  }

  parent(node: number): number {
    return this.parents[node]
  }

  frame(node: number): number {
    return this.frames[node]
  }

  /** The source line (1-based) of `node`, 0 when unknown. */
  line(node: number): number {
    return this.lines ? this.lines[node] : 0
  }

  /** True once any node carries a line. */
  get hasLines(): boolean {
    return this.lines !== undefined
  }

  /**
   * The node for `frame` called from `parent` (-1 for a root) at source `line` (0: unknown),
   * created if absent.
   */
  child(parent: number, frame: number, line = 0): number {
    const mask = this.slots.length - 1
    let slot = hash(parent, frame, line) & mask
    for (;;) {
      const entry = this.slots[slot]
      if (entry === 0) break
      const node = entry - 1
      if (
        this.parents[node] === parent &&
        this.frames[node] === frame &&
        this.line(node) === line
      ) {
        return node
      }
      slot = (slot + 1) & mask
    }
    const node = this.count++
    if (node === this.parents.length) this.growNodes()
    this.parents[node] = parent
    this.frames[node] = frame
    if (line !== 0) this.lines ??= new Int32Array(this.parents.length)
    if (this.lines) this.lines[node] = line
    this.slots[slot] = node + 1
    if (this.count * 2 > this.slots.length) this.rehash()
    return node
  }

  /** The node of a whole stack given root first; -1 for an empty stack. */
  insert(stack: ArrayLike<number>): number {
    let node = -1
    for (let i = 0; i < stack.length; i++) node = this.child(node, stack[i])
    return node
  }

  /** Frame ids from the root down to `node`. */
  stack(node: number): number[] {
    const out: number[] = []
    for (let n = node; n >= 0; n = this.parents[n]) out.push(this.frames[n])
    return out.reverse()
  }

  /** Parent and frame columns, trimmed to length (views, not copies). */
  columns(): { parent: Int32Array; frame: Int32Array } {
    return {
      parent: this.parents.subarray(0, this.count),
      frame: this.frames.subarray(0, this.count),
    }
  }

  private growNodes(): void {
    const size = this.parents.length * 2
    const parents = new Int32Array(size)
    parents.set(this.parents)
    const frames = new Int32Array(size)
    frames.set(this.frames)
    this.parents = parents
    this.frames = frames
    if (this.lines) {
      const lines = new Int32Array(size)
      lines.set(this.lines)
      this.lines = lines
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let node = 0; node < this.count; node++) {
      let slot = hash(this.parents[node], this.frames[node], this.line(node)) & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = node + 1
    }
    this.slots = slots
  }
}

function hash(parent: number, frame: number, line: number): number {
  let h = Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(frame + 0x7f4a7c15, 0x85ebca6b)
  h ^= Math.imul(line, 0x27d4eb2f)
  h ^= h >>> 15
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13)
}
