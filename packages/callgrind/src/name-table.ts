const utf8 = new TextDecoder('utf-8')

/** Ids are small counters in callgrind's own files: below this they index an array. */
const DENSE_IDS = 1 << 22

/**
 * One of callgrind's three name spaces (objects, files, functions): names interned to dense
 * slots, and the file's compressed ids `(12)` mapped to them. An id is normally defined on its
 * first use (`fn=(12) main`, on any line that may carry that kind) and referenced later
 * (`fn=(12)`); a reference before the definition gets a slot whose name comes later.
 */
export class NameTable {
  private readonly names: (string | undefined)[] = []
  private readonly pendingIds: number[] = []
  private readonly slots = new Map<string, number>()
  /** How many slots have no name yet (ids referenced before, or never, defined). */
  private pending = 0
  /** Whether some slot was defined late with a name another slot already had. */
  private shared = false
  /** Slot + 1 of each compressed id below `DENSE_IDS` (0: not seen), grown as ids come. */
  private ids = new Int32Array(1024)
  /** Slots of larger ids (a hostile or odd file): a map, so an id never sizes an array. */
  private readonly bigIds = new Map<number, number>()

  /**
   * The slot of a name line's value (`(id) name`, `(id)` or a plain `name`) held in
   * `buf[start..end)`.
   */
  resolve(buf: Uint8Array, start: number, end: number): number {
    if (buf[start] === 40 /* ( */) {
      let p = start + 1
      let id = 0
      while (p < end && buf[p] >= 48 && buf[p] <= 57) id = id * 10 + buf[p++] - 48
      if (p > start + 1 && p < end && buf[p] === 41 /* ) */) {
        p++
        while (p < end && buf[p] === 32) p++
        let slot =
          id < DENSE_IDS
            ? id < this.ids.length
              ? this.ids[id] - 1
              : -1
            : (this.bigIds.get(id) ?? -1)
        if (p === end) {
          if (slot < 0) {
            slot = this.names.push(undefined) - 1
            this.pendingIds[slot] = id
            this.pending++
            this.setId(id, slot)
          }
          return slot
        }
        const name = utf8.decode(buf.subarray(p, end))
        if (slot >= 0 && this.names[slot] === undefined) {
          // Defined after its first reference.
          this.names[slot] = name
          this.pending--
          if (!this.slots.has(name)) this.slots.set(name, slot)
          else this.shared = true
          return slot
        }
        slot = this.intern(name)
        this.setId(id, slot)
        return slot
      }
    }
    // A plain name, which may itself start with "(" as in "(below main)".
    return this.intern(utf8.decode(buf.subarray(start, end)))
  }

  /** The slot of compressed id `id` seen before, or -1 (then `resolve` handles it). */
  knownSlot(id: number): number {
    return id < this.ids.length ? this.ids[id] - 1 : -1
  }

  /** The name of a slot; an id never defined reads as `(id)`. */
  name(slot: number): string | undefined {
    if (slot < 0) return undefined
    return this.names[slot] ?? `(${this.pendingIds[slot]})`
  }

  /**
   * One slot per distinct name as a frame shows it: `same[s]` is the first slot with slot `s`'s
   * name (two slots share a name when an id is defined after its first use with a name already
   * in use), or -1 for `absent`, a name that frames leave out (`???`). Functions whose slots
   * read the same through this are one frame.
   */
  sameNameSlots(absent?: string): Int32Array {
    const same = new Int32Array(this.names.length)
    if (this.pending === 0 && !this.shared) {
      // The usual case: every slot has its own name, so the map need not be asked.
      for (let s = 0; s < same.length; s++) same[s] = s
      const none = absent === undefined ? undefined : this.slots.get(absent)
      if (none !== undefined) same[none] = -1
      return same
    }
    for (let s = 0; s < same.length; s++) {
      const name = this.name(s)!
      same[s] = name === absent ? -1 : (this.slots.get(name) ?? s)
    }
    return same
  }

  /** How many slots there are. */
  get size(): number {
    return this.names.length
  }

  /** How many ids were referenced but never defined. */
  get undefinedIds(): number {
    return this.pending
  }

  private setId(id: number, slot: number): void {
    if (id >= DENSE_IDS) {
      this.bigIds.set(id, slot)
      return
    }
    if (id >= this.ids.length) {
      const grown = new Int32Array(Math.max(id + 1, this.ids.length * 2))
      grown.set(this.ids)
      this.ids = grown
    }
    this.ids[id] = slot + 1
  }

  private intern(name: string): number {
    let slot = this.slots.get(name)
    if (slot === undefined) {
      slot = this.names.push(name) - 1
      this.slots.set(name, slot)
    }
    return slot
  }
}
