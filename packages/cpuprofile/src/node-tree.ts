import { FrameTable, ProfconvError, StackTree, type Frame } from '@profconv/model'

/** A V8 `callFrame`: 0-based `lineNumber` and `columnNumber`, -1 or absent when unknown. */
export interface V8CallFrame {
  functionName?: string
  url?: string
  lineNumber?: number
  columnNumber?: number
}

/**
 * The frame of a V8 `callFrame`: `functionName` (`(anonymous)` when empty), `url`, and line and
 * column made 1-based.
 */
export function frameOfCallFrame(c: V8CallFrame): Frame {
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = {
    name:
      typeof c.functionName === 'string' && c.functionName !== '' ? c.functionName : '(anonymous)',
  }
  if (typeof c.url === 'string' && c.url !== '') frame.file = c.url
  if (Number.isInteger(c.lineNumber) && c.lineNumber! >= 0) frame.line = c.lineNumber! + 1
  if (Number.isInteger(c.columnNumber) && c.columnNumber! >= 0) frame.column = c.columnNumber! + 1
  return frame
}

/**
 * V8's profile node tree (`.cpuprofile` nodes, trace `ProfileChunk` nodes) mapped onto a
 * StackTree: nodes arrive with `children` or `parent` links, in any order, and are placed in
 * the stack tree only when a sample needs them, walking up without recursion. `(root)` is left
 * out of stacks. Errors are ProfconvErrors of `format`.
 */
export class V8NodeTree {
  private readonly frameOf = new Map<number, V8CallFrame>()
  private readonly parentOf = new Map<number, number>()
  private readonly treeNode = new Map<number, number>()
  private readonly chain: number[] = []
  /** The stack-tree node + 2 of each placed small id (0: not placed yet): no Map per sample. */
  private placed = new Int32Array(0)

  constructor(
    readonly format: string,
    readonly frames: FrameTable,
    readonly tree: StackTree,
  ) {}

  /** Adds node `id` (a later node of the same id replaces its call frame). */
  add(id: number, callFrame: V8CallFrame, parent?: number, children?: readonly number[]): void {
    this.frameOf.set(id, callFrame)
    if (typeof parent === 'number') this.parentOf.set(id, parent)
    if (children) for (const child of children) this.parentOf.set(child, id)
  }

  has(id: number): boolean {
    return (id >= 0 && id < this.placed.length && this.placed[id] !== 0) || this.frameOf.has(id)
  }

  callFrame(id: number): V8CallFrame | undefined {
    return this.frameOf.get(id)
  }

  /**
   * The stack-tree node of V8 node `id` (-1 for `(root)`); with `line` (1-based, 0 unknown) the
   * leaf is the node of that line (a sample's current line).
   */
  leaf(id: number, line = 0): number {
    const node = this.nodeOf(id)
    if (line === 0 || node < 0) return node
    return this.tree.child(this.tree.parent(node), this.tree.frame(node), line)
  }

  private nodeOf(id: number): number {
    if (id >= 0 && id < this.placed.length && this.placed[id] !== 0) return this.placed[id] - 2
    const node = this.place(id)
    if (Number.isInteger(id) && id >= 0 && id < 1 << 24) {
      if (id >= this.placed.length) {
        const grown = new Int32Array(Math.max(1024, 2 ** Math.ceil(Math.log2(id + 1))))
        grown.set(this.placed)
        this.placed = grown
      }
      this.placed[id] = node + 2
    }
    return node
  }

  private place(id: number): number {
    const chain = this.chain
    chain.length = 0
    let at: number | undefined = id
    let above = -1
    while (at !== undefined) {
      const known = this.treeNode.get(at)
      if (known !== undefined) {
        above = known
        break
      }
      chain.push(at)
      if (chain.length > this.frameOf.size)
        this.fail(`the node tree has a cycle through node ${id}`)
      at = this.parentOf.get(at)
    }
    for (let k = chain.length - 1; k >= 0; k--) {
      const callFrame = this.frameOf.get(chain[k])
      if (!callFrame) this.fail(`node id ${chain[k]} is not in 'nodes'`)
      const isRoot = !this.parentOf.has(chain[k]) && callFrame.functionName === '(root)'
      if (!isRoot) above = this.tree.child(above, this.frames.intern(frameOfCallFrame(callFrame)))
      this.treeNode.set(chain[k], above)
    }
    return above
  }

  private fail(reason: string): never {
    throw new ProfconvError(this.format, reason)
  }
}
