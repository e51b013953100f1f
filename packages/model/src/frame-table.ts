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

/**
 * Frames interned once; a frame id is an index into `frames`. Found by a hash of the whole
 * tuple, computed from the frame's own strings and compared field by field: no key string per
 * frame (building, hashing and keeping one for each of the 1M-sample benchmark's 50k frames was
 * ~0.1 s of its read, half of it garbage collection).
 */
export class FrameTable {
  readonly frames: Frame[] = []
  /** `frameHash` of each frame `indexed` so far. */
  private hashes: Int32Array = new Int32Array(64)
  /** Open addressing over those hashes: frame id + 1 per slot, 0 when free. */
  private slots: Int32Array = new Int32Array(128)
  /** Frames before this index are in `slots`; `add` leaves the rest for `intern` to index. */
  private indexed = 0

  /** The id of `frame`, added if new. */
  intern(frame: Frame): number {
    this.index()
    const hash = frameHash(frame)
    const slot = this.find(frame, hash)
    if (this.slots[slot] !== 0) return this.slots[slot] - 1
    const id = this.frames.push(normalise(frame)) - 1
    this.insert(slot, id, hash)
    return id
  }

  /**
   * Adds a frame the caller knows is not in the table yet (a reader whose function identities
   * are distinct by construction), without the lookup `intern` makes: a reader of 100,000
   * functions hashes nothing until something interns into the table.
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
    while (this.indexed < this.frames.length) {
      const frame = this.frames[this.indexed]
      const hash = frameHash(frame)
      const slot = this.find(frame, hash)
      if (this.slots[slot] === 0) this.insert(slot, this.indexed, hash)
      else this.indexed++
    }
  }

  /** The slot holding a frame equal to `frame`, or the free slot where it would go. */
  private find(frame: Frame, hash: number): number {
    const slots = this.slots
    const mask = slots.length - 1
    let slot = hash & mask
    for (let entry = slots[slot]; entry !== 0; entry = slots[slot]) {
      if (this.hashes[entry - 1] === hash && sameFrame(this.frames[entry - 1], frame)) return slot
      slot = (slot + 1) & mask
    }
    return slot
  }

  /** Puts frame `id` (the next to index) in the free `slot`. */
  private insert(slot: number, id: number, hash: number): void {
    if (id >= this.hashes.length) {
      const hashes = new Int32Array(Math.max(2 * this.hashes.length, id + 1))
      hashes.set(this.hashes)
      this.hashes = hashes
    }
    this.hashes[id] = hash
    this.slots[slot] = id + 1
    this.indexed = id + 1
    if (2 * this.indexed > this.slots.length) this.rehash()
  }

  private rehash(): void {
    const slots = new Int32Array(2 * this.slots.length)
    const mask = slots.length - 1
    for (let at = 0; at < this.slots.length; at++) {
      const entry = this.slots[at]
      if (entry === 0) continue
      let slot = this.hashes[entry - 1] & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = entry
    }
    this.slots = slots
  }
}

/**
 * Whether two frames are one identity: every field equal, where an absent file differs from an
 * empty one (Python's profile module names builtins' file ''), an absent module is an empty
 * one, and a system name equal to the name is none; NaN equals NaN. `a` is normalised.
 */
function sameFrame(a: Frame, b: Frame): boolean {
  return (
    a.name === b.name &&
    a.file === b.file &&
    sameNumber(a.line, b.line) &&
    sameNumber(a.column, b.column) &&
    (a.module ?? '') === (b.module ?? '') &&
    !a.inlined === !b.inlined &&
    ownSystemName(a) === ownSystemName(b)
  )
}

function sameNumber(a: number | undefined, b: number | undefined): boolean {
  return (a ?? '') === (b ?? '') || (Number.isNaN(a) && Number.isNaN(b))
}

function ownSystemName(f: Frame): string {
  return f.systemName && f.systemName !== f.name ? f.systemName : ''
}

/** A hash of the fields `sameFrame` compares: equal frames hash alike. */
function frameHash(f: Frame): number {
  let h = textHash(0x811c9dc5, f.name)
  h = f.file === undefined ? step(h, 1) : textHash(step(h, 2), f.file)
  h = step(h, (f.line ?? -1) | 0)
  h = step(h, (f.column ?? -1) | 0)
  h = textHash(h, f.module ?? '')
  h = textHash(step(h, f.inlined ? 1 : 0), ownSystemName(f))
  h ^= h >>> 16
  return Math.imul(h, 0x85ebca6b) ^ (h >>> 13)
}

function textHash(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = step(h, text.charCodeAt(i))
  return step(h, text.length)
}

function step(h: number, value: number): number {
  return Math.imul(h ^ value, 0x01000193)
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
