/**
 * A function identity. The whole tuple is the identity: two functions of one name in different
 * files are different frames. `line` is the 1-based line where the function starts.
 */
export interface Frame {
  readonly name: string
  readonly file?: string
  readonly line?: number
  /** 1-based column where the function starts (JavaScript profiles tell apart functions of one line). */
  readonly column?: number
  /** Binary, shared object or package the function belongs to. */
  readonly module?: string
  /** The name as the system knows it (a mangled C++ name), where it differs from `name`. */
  readonly systemName?: string
  /** True when this frame was inlined into its caller (pprof locations with several lines). */
  readonly inlined?: boolean
}

/** Frames interned once; a frame id is an index into `frames`. */
export class FrameTable {
  readonly frames: Frame[] = []
  private readonly ids = new Map<string, number>()
  /** Frames before this index are in `ids`; `add` leaves the rest for `intern` to index. */
  private indexed = 0

  /** The id of `frame`, added if new. */
  intern(frame: Frame): number {
    this.index()
    const key = frameKey(frame)
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.frames.length
      this.frames.push(normalise(frame))
      this.ids.set(key, id)
      this.indexed++
    }
    return id
  }

  /**
   * Adds a frame the caller knows is not in the table yet (a reader whose function identities
   * are distinct by construction), without the lookup `intern` makes: a reader of 100,000
   * functions builds no key string until something interns into the table.
   */
  add(frame: Frame): number {
    return this.frames.push(normalise(frame)) - 1
  }

  get(id: number): Frame {
    return this.frames[id]
  }

  get length(): number {
    return this.frames.length
  }

  /** Indexes the frames `add` appended (the first of equal frames keeps its id). */
  private index(): void {
    for (; this.indexed < this.frames.length; this.indexed++) {
      const key = frameKey(this.frames[this.indexed])
      if (!this.ids.has(key)) this.ids.set(key, this.indexed)
    }
  }
}

function frameKey(f: Frame): string {
  // An absent file differs from an empty one (Python's profile module names builtins' file '').
  const file = f.file === undefined ? '\u0001' : f.file
  return `${f.name}\u0000${file}\u0000${f.line ?? ''}\u0000${f.column ?? ''}\u0000${f.module ?? ''}\u0000${f.inlined ? 1 : ''}${f.systemName && f.systemName !== f.name ? `\u0000${f.systemName}` : ''}`
}

function normalise(f: Frame): Frame {
  const out: { -readonly [K in keyof Frame]: Frame[K] } = { name: f.name }
  if (f.file !== undefined) out.file = f.file
  if (f.line !== undefined) out.line = f.line
  if (f.column !== undefined) out.column = f.column
  if (f.module) out.module = f.module
  if (f.systemName && f.systemName !== f.name) out.systemName = f.systemName
  if (f.inlined) out.inlined = true
  return out
}
