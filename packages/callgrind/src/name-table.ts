/** Decodes names in bulk; a byte-order mark inside a name is kept as a character. */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })
const encoder = new TextEncoder()

/** Ids are small counters in callgrind's own files: below this they index an array. */
const DENSE_IDS = 1 << 22

/** Separates names in `NameTable.bytes`: a name is part of one line, so it holds no newline. */
const SEPARATOR = 10

/**
 * One of callgrind's three name spaces (objects, files, functions): names interned to dense
 * slots, and the file's compressed ids `(12)` mapped to them. An id is normally defined on its
 * first use (`fn=(12) main`, on any line that may carry that kind) and referenced later
 * (`fn=(12)`); a reference before the definition gets a slot whose name comes later.
 *
 * Names are kept as bytes while the file is read (a big file defines hundreds of thousands):
 * interned by a hash of their bytes, and decoded to strings all at once when first asked for,
 * so reading makes no string and no garbage per name.
 */
export class NameTable {
  /** Every name's bytes, each followed by `SEPARATOR`, in the order they were defined. */
  private bytes = new Uint8Array(1 << 16)
  private used = 0
  /** Per slot: where its name starts in `bytes` (-1: no name yet), its length, its hash. */
  private nameAt = new Int32Array(256)
  private nameLength = new Int32Array(256)
  private nameHash = new Int32Array(256)
  /** Per defined name in `bytes` order, its slot. */
  private slotOfName = new Int32Array(256)
  private nameCount = 0
  /** Slot + 1 per hash-table entry (0: empty); a power of two, at most half full. */
  private table = new Int32Array(1024)
  /** The number of slots. */
  private count = 0
  /** Compressed id per slot of a name referenced before its definition (for `(id)`). */
  private readonly pendingIds = new Map<number, number>()
  /** How many slots have no name yet (ids referenced before, or never, defined). */
  private pending = 0
  /** Whether some slot was defined late with a name another slot already had. */
  private shared = false
  /** Slot + 1 of each compressed id below `DENSE_IDS` (0: not seen), grown as ids come. */
  private ids = new Int32Array(1024)
  /** Slots of larger ids (a hostile or odd file): a map, so an id never sizes an array. */
  private readonly bigIds = new Map<number, number>()
  /** The decoded names by slot; names `[0, decodedNames)` of `slotOfName` are in it. */
  private readonly strings: (string | undefined)[] = []
  private decodedNames = 0

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
            slot = this.newSlot()
            this.pendingIds.set(slot, id)
            this.pending++
            this.setId(id, slot)
          }
          return slot
        }
        if (slot >= 0 && this.nameAt[slot] < 0) {
          // Defined after its first reference.
          this.pending--
          this.pendingIds.delete(slot)
          if (this.intern(buf, p, end, slot) !== slot) this.shared = true
          return slot
        }
        slot = this.intern(buf, p, end, -1)
        this.setId(id, slot)
        return slot
      }
    }
    // A plain name, which may itself start with "(" as in "(below main)".
    return this.intern(buf, start, end, -1)
  }

  /** The slot of compressed id `id` seen before, or -1 (then `resolve` handles it). */
  knownSlot(id: number): number {
    return id < this.ids.length ? this.ids[id] - 1 : -1
  }

  /** The name of a slot; an id never defined reads as `(id)`. */
  name(slot: number): string | undefined {
    if (slot < 0) return undefined
    if (this.decodedNames < this.nameCount) this.decode()
    return this.strings[slot] ?? `(${this.pendingIds.get(slot)})`
  }

  /**
   * One slot per distinct name as a frame shows it: `same[s]` is the first slot with slot `s`'s
   * name (two slots share a name when an id is defined after its first use with a name already
   * in use), or -1 for `absent`, a name that frames leave out (`???`). Functions whose slots
   * read the same through this are one frame.
   */
  sameNameSlots(absent?: string): Int32Array {
    const same = new Int32Array(this.count)
    const none = absent === undefined ? -1 : this.find(encoder.encode(absent))
    if (this.pending === 0 && !this.shared) {
      // The usual case: every slot has its own name.
      for (let s = 0; s < same.length; s++) same[s] = s
      if (none >= 0) same[none] = -1
      return same
    }
    for (let s = 0; s < same.length; s++) {
      if (this.nameAt[s] >= 0) {
        const first = this.find(
          this.bytes.subarray(this.nameAt[s], this.nameAt[s] + this.nameLength[s]),
        )
        same[s] = first === none ? -1 : first
      } else {
        // An id never defined reads as `(id)`, which may be another slot's name.
        const first = this.find(encoder.encode(this.name(s)!))
        same[s] = first < 0 ? s : first === none ? -1 : first
      }
    }
    return same
  }

  /** How many slots there are. */
  get size(): number {
    return this.count
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

  private newSlot(): number {
    const slot = this.count++
    if (slot >= this.nameAt.length) {
      this.nameAt = grown(this.nameAt, 2 * slot)
      this.nameLength = grown(this.nameLength, 2 * slot)
      this.nameHash = grown(this.nameHash, 2 * slot)
    }
    this.nameAt[slot] = -1
    return slot
  }

  /**
   * The slot of the name `buf[start..end)`: the first slot given that name, else `slot` (a
   * pending slot being defined; -1: a new slot), which is given the name.
   */
  private intern(buf: Uint8Array, start: number, end: number, slot: number): number {
    const hash = hashBytes(buf, start, end)
    const mask = this.table.length - 1
    let h = hash & mask
    for (let entry = this.table[h]; entry !== 0; entry = this.table[(h = (h + 1) & mask)]) {
      if (this.nameHash[entry - 1] === hash && this.holds(entry - 1, buf, start, end)) {
        if (slot < 0) return entry - 1
        this.store(slot, buf, start, end, hash)
        return entry - 1
      }
    }
    if (slot < 0) slot = this.newSlot()
    this.store(slot, buf, start, end, hash)
    this.table[h] = slot + 1
    if (2 * this.nameCount > this.table.length) this.rehash()
    return slot
  }

  /** The first slot named by `name`'s bytes, or -1. */
  private find(name: Uint8Array): number {
    const hash = hashBytes(name, 0, name.length)
    const mask = this.table.length - 1
    for (let h = hash & mask; this.table[h] !== 0; h = (h + 1) & mask) {
      const slot = this.table[h] - 1
      if (this.nameHash[slot] === hash && this.holds(slot, name, 0, name.length)) return slot
    }
    return -1
  }

  /** Whether slot `slot`'s name is `buf[start..end)`. */
  private holds(slot: number, buf: Uint8Array, start: number, end: number): boolean {
    if (this.nameLength[slot] !== end - start) return false
    const bytes = this.bytes
    for (let i = 0, at = this.nameAt[slot]; start + i < end; i++) {
      if (bytes[at + i] !== buf[start + i]) return false
    }
    return true
  }

  /** Copies the name into `bytes` as slot `slot`'s. */
  private store(slot: number, buf: Uint8Array, start: number, end: number, hash: number): void {
    const length = end - start
    if (this.used + length + 1 > this.bytes.length) {
      const more = new Uint8Array(Math.max(2 * this.bytes.length, this.used + length + 1))
      more.set(this.bytes.subarray(0, this.used))
      this.bytes = more
    }
    this.bytes.set(buf.subarray(start, end), this.used)
    this.nameAt[slot] = this.used
    this.nameLength[slot] = length
    this.nameHash[slot] = hash
    this.used += length
    this.bytes[this.used++] = SEPARATOR
    if (this.nameCount === this.slotOfName.length) {
      this.slotOfName = grown(this.slotOfName, 2 * this.nameCount)
    }
    this.slotOfName[this.nameCount++] = slot
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2)
    const mask = table.length - 1
    for (let s = 0; s < this.count; s++) {
      // Only a name's first slot is in the table: the one `find` gives for those bytes.
      if (this.nameAt[s] < 0 || this.isLaterTwin(s)) continue
      let h = this.nameHash[s] & mask
      while (table[h] !== 0) h = (h + 1) & mask
      table[h] = s + 1
    }
    this.table = table
  }

  /** Whether slot `s` has a name an earlier-indexed slot in the table already has. */
  private isLaterTwin(s: number): boolean {
    if (!this.shared) return false
    const first = this.find(
      this.bytes.subarray(this.nameAt[s], this.nameAt[s] + this.nameLength[s]),
    )
    return first >= 0 && first !== s
  }

  /** Decodes the names defined since the last call, all in one. */
  private decode(): void {
    const from = this.nameAt[this.slotOfName[this.decodedNames]]
    const text = utf8.decode(this.bytes.subarray(from, this.used - 1))
    const names = text.split('\n')
    for (let i = 0; i < names.length; i++) {
      this.strings[this.slotOfName[this.decodedNames + i]] = names[i]
    }
    this.decodedNames = this.nameCount
  }
}

/** FNV-1a over bytes, as a 32-bit integer. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0
  for (let p = start; p < end; p++) h = Math.imul(h ^ buf[p], 0x01000193)
  return h
}

function grown(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size)
  out.set(a)
  return out
}
