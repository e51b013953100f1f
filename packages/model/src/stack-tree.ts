import { addressHi, addressLo } from './positions.js'

/** A stack tree's columns (`StackTree.allColumns`); the optional ones exist once a node needs them. */
export interface StackColumns {
  parent: Int32Array
  frame: Int32Array
  line?: Int32Array
  file?: Int32Array
  addressHi?: Uint32Array
  addressLo?: Uint32Array
  files: readonly string[]
}

/**
 * Call stacks as a prefix tree in columnar arrays (the layout of pprof and the Firefox
 * Profiler): node = frame + parent. A child's id is always greater than its parent's, so a
 * reverse scan visits children before parents. The root has parent -1.
 *
 * A node may also carry where in its function it was: the 1-based source line (pprof keeps one
 * per location; 0 unknown), the file of that line when it is not the frame's own (code inlined
 * from another file, a perf srcline; -1 the frame's file), and the instruction address (exact to
 * 64 bits as hi/lo halves; 0 unknown). These are part of the node's identity, not the frame's:
 * the same function at two lines under one parent is two nodes of one frame. Each column exists
 * only once a node needs it.
 */
export class StackTree {
  // Small at first (a merge reads thousands of small profiles); every column grows by doubling.
  private parents: Int32Array = new Int32Array(64)
  private frames: Int32Array = new Int32Array(64)
  private lines: Int32Array | undefined
  private fileColumn: Int32Array | undefined
  private addressHis: Uint32Array | undefined
  private addressLos: Uint32Array | undefined
  /** File names of nodes whose file is not their frame's; `file(node)` indexes it. */
  readonly files: string[] = []
  private readonly fileIds = new Map<string, number>()
  private count = 0
  // Open-addressing hash of (parent, frame) -> node id + 1.
  private slots = new Int32Array(128)

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

  /** The file of `node`'s line as an index into `files`, -1 when it is the frame's own. */
  file(node: number): number {
    return this.fileColumn ? this.fileColumn[node] : -1
  }

  /** The upper 32 bits of `node`'s instruction address (0 with the lower: unknown). */
  addressHi(node: number): number {
    return this.addressHis ? this.addressHis[node] : 0
  }

  /** The lower 32 bits of `node`'s instruction address. */
  addressLo(node: number): number {
    return this.addressLos ? this.addressLos[node] : 0
  }

  /** True once any node carries a line, a file of its own or an address. */
  get hasPositions(): boolean {
    return (
      this.lines !== undefined || this.fileColumn !== undefined || this.addressLos !== undefined
    )
  }

  /** The id of file `name` for `child`, added on first use. */
  fileId(name: string): number {
    let id = this.fileIds.get(name)
    if (id === undefined) {
      id = this.files.push(name) - 1
      this.fileIds.set(name, id)
    }
    return id
  }

  /**
   * The node for `frame` called from `parent` (-1 for a root) at source `line` (0: unknown) of
   * `file` (a `fileId`; -1: the frame's file) and instruction `address` (0: unknown; a bigint
   * beyond 2^53), created if absent.
   */
  child(parent: number, frame: number, line = 0, file = -1, address: number | bigint = 0): number {
    if (this.slots.length === 0) this.rehash()
    const hi = address === 0 ? 0 : addressHi(address)
    const lo = address === 0 ? 0 : addressLo(address)
    const mask = this.slots.length - 1
    let slot = hash(parent, frame, line, file, lo) & mask
    for (;;) {
      const entry = this.slots[slot]
      if (entry === 0) break
      const node = entry - 1
      if (
        this.parents[node] === parent &&
        this.frames[node] === frame &&
        this.line(node) === line &&
        this.file(node) === file &&
        this.addressLo(node) === lo &&
        this.addressHi(node) === hi
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
    if (file !== -1) this.fileColumn ??= new Int32Array(this.parents.length).fill(-1)
    if (this.fileColumn) this.fileColumn[node] = file
    if (hi !== 0 || lo !== 0) {
      this.addressHis ??= new Uint32Array(this.parents.length)
      this.addressLos ??= new Uint32Array(this.parents.length)
    }
    if (this.addressLos) {
      this.addressHis![node] = hi
      this.addressLos[node] = lo
    }
    this.slots[slot] = node + 1
    if (this.count * 2 > this.slots.length) this.rehash()
    return node
  }

  /** Every column, trimmed to length (views, not copies), and the file names: see `fromColumns`. */
  allColumns(): StackColumns {
    const n = this.count
    return {
      parent: this.parents.subarray(0, n),
      frame: this.frames.subarray(0, n),
      line: this.lines?.subarray(0, n),
      file: this.fileColumn?.subarray(0, n),
      addressHi: this.addressHis?.subarray(0, n),
      addressLo: this.addressLos?.subarray(0, n),
      files: this.files,
    }
  }

  /**
   * The tree `allColumns` gave (the stacks a worker thread read, sent as typed arrays; parents
   * before children). Its hash is built on the first `child`.
   */
  static fromColumns(columns: StackColumns): StackTree {
    const tree = new StackTree()
    tree.parents = columns.parent
    tree.frames = columns.frame
    tree.lines = columns.line
    tree.fileColumn = columns.file
    tree.addressHis = columns.addressHi
    tree.addressLos = columns.addressLo
    columns.files.forEach((name) => tree.fileId(name))
    tree.count = columns.parent.length
    tree.slots = new Int32Array(0)
    return tree
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
    const size = Math.max(64, this.parents.length * 2)
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
    if (this.fileColumn) {
      const files = new Int32Array(size).fill(-1)
      files.set(this.fileColumn)
      this.fileColumn = files
    }
    if (this.addressLos) {
      const his = new Uint32Array(size)
      his.set(this.addressHis!)
      this.addressHis = his
      const los = new Uint32Array(size)
      los.set(this.addressLos)
      this.addressLos = los
    }
  }

  private rehash(): void {
    let size = Math.max(128, this.slots.length * 2)
    while (size < this.count * 2 + 2) size *= 2
    const slots = new Int32Array(size)
    const mask = slots.length - 1
    for (let node = 0; node < this.count; node++) {
      let slot =
        hash(
          this.parents[node],
          this.frames[node],
          this.line(node),
          this.file(node),
          this.addressLo(node),
        ) & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = node + 1
    }
    this.slots = slots
  }
}

function hash(parent: number, frame: number, line: number, file: number, lo: number): number {
  let h = Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(frame + 0x7f4a7c15, 0x85ebca6b)
  h ^= Math.imul(line, 0x27d4eb2f)
  h ^= Math.imul(file + 1, 0x165667b1) ^ Math.imul(lo, 0x61c88647)
  h ^= h >>> 15
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13)
}
