const utf8 = new TextDecoder('utf-8')

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
  private readonly ids = new Map<number, number>()

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
        let slot = this.ids.get(id)
        if (p === end) {
          if (slot === undefined) {
            slot = this.names.push(undefined) - 1
            this.pendingIds[slot] = id
            this.ids.set(id, slot)
          }
          return slot
        }
        const name = utf8.decode(buf.subarray(p, end))
        if (slot !== undefined && this.names[slot] === undefined) {
          // Defined after its first reference.
          this.names[slot] = name
          if (!this.slots.has(name)) this.slots.set(name, slot)
          return slot
        }
        slot = this.intern(name)
        this.ids.set(id, slot)
        return slot
      }
    }
    // A plain name, which may itself start with "(" as in "(below main)".
    return this.intern(utf8.decode(buf.subarray(start, end)))
  }

  /** The name of a slot; an id never defined reads as `(id)`. */
  name(slot: number): string | undefined {
    if (slot < 0) return undefined
    return this.names[slot] ?? `(${this.pendingIds[slot]})`
  }

  /** How many ids were referenced but never defined. */
  get undefinedIds(): number {
    return this.names.filter((n) => n === undefined).length
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
