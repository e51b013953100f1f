import type { FrameTable, Frame } from '@profconv/model'

/**
 * The frames of one thread's duration events, found by name id (equal names, equal ids: see
 * `JsonBytes.stringId`) and then file, line, column and module, compared in columns of their
 * own: an event finds its frame without a key string or a look at the frame objects.
 */
export class FrameIndex {
  /** First frame id + 1 by name id (0: none yet). */
  private first = new Int32Array(1024)
  /** Per frame id: the next frame of the same name (-1 none), then its fields. */
  private readonly next: number[] = []
  private readonly file: (string | undefined)[] = []
  private readonly line: number[] = []
  private readonly column: number[] = []
  private readonly module: (string | undefined)[] = []
  /** Names without an id (not strings in the trace): their first frame. */
  private readonly byName = new Map<string, number>()

  constructor(readonly frames: FrameTable) {}

  /** The id of the frame, added if new; `line` and `column` 0 when unknown. */
  id(
    nameId: number,
    name: string,
    file: string | undefined,
    line: number,
    column: number,
    module: string | undefined,
  ): number {
    if (nameId >= this.first.length) {
      let size = this.first.length * 2
      while (size <= nameId) size *= 2
      const first = new Int32Array(size)
      first.set(this.first)
      this.first = first
    }
    let head = nameId >= 0 ? this.first[nameId] - 1 : (this.byName.get(name) ?? -1)
    for (let id = head; id >= 0; id = this.next[id]) {
      if (
        this.line[id] === line &&
        this.file[id] === file &&
        this.column[id] === column &&
        this.module[id] === module
      )
        return id
    }
    const frame: { -readonly [K in keyof Frame]: Frame[K] } = { name }
    if (file !== undefined) frame.file = file
    if (line > 0) frame.line = line
    if (column > 0) frame.column = column
    if (module !== undefined) frame.module = module
    // New by the comparison above: added without the table's key string.
    const id = this.frames.add(frame)
    this.next[id] = head
    this.file[id] = file
    this.line[id] = line
    this.column[id] = column
    this.module[id] = module
    head = id
    if (nameId >= 0) this.first[nameId] = id + 1
    else this.byName.set(name, id)
    return id
  }
}
