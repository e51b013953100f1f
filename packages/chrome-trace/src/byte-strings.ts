/**
 * Strings by the bytes they were decoded from: a hash table over a copy of each distinct byte
 * sequence (kept together, so that a look-up reads memory close by rather than somewhere in a
 * 100 MB input). Ids are 0, 1, 2… in the order strings were added.
 */
export class ByteStrings {
  /** Pairs (hash, id + 1) by open addressing; an id + 1 of 0 is an empty slot. */
  private table = new Int32Array(2048)
  /** The bytes of string `id` are `pool[starts[id], starts[id + 1])`. */
  private pool = new Uint8Array(1 << 16)
  private starts = new Int32Array(1024)
  private readonly texts: string[] = []
  /** Where `find` stopped: the hash and the free slot for `add`. */
  private hash = 0
  private slot = 0

  get size(): number {
    return this.texts.length
  }

  /** The string of `id`. */
  text(id: number): string {
    return this.texts[id]
  }

  /** The id of the string of `bytes[start, end)`, or -1 (then `add` it next). */
  find(bytes: Uint8Array, start: number, end: number): number {
    let hash = 0x811c9dc5
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193)
    const table = this.table
    const mask = (table.length >> 1) - 1
    const n = end - start
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = table[2 * slot + 1] - 1
      if (id < 0) {
        this.hash = hash
        this.slot = slot
        return -1
      }
      if (table[2 * slot] !== hash) continue
      const s = this.starts[id]
      if (this.starts[id + 1] - s !== n) continue
      const pool = this.pool
      let i = 0
      while (i < n && pool[s + i] === bytes[start + i]) i++
      if (i === n) return id
    }
  }

  /** Adds `text`, decoded from `bytes[start, end)`, right after a `find` of them gave -1. */
  add(bytes: Uint8Array, start: number, end: number, text: string): number {
    const id = this.texts.length
    this.texts.push(text)
    const at = this.starts[id]
    const n = end - start
    if (at + n > this.pool.length) {
      let size = this.pool.length * 2
      while (size < at + n) size *= 2
      const pool = new Uint8Array(size)
      pool.set(this.pool.subarray(0, at))
      this.pool = pool
    }
    this.pool.set(bytes.subarray(start, end), at)
    if (id + 2 > this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2)
      starts.set(this.starts)
      this.starts = starts
    }
    this.starts[id + 1] = at + n
    this.table[2 * this.slot] = this.hash
    this.table[2 * this.slot + 1] = id + 1
    if (4 * (id + 1) > this.table.length) this.rehash()
    return id
  }

  /** Doubles the table (kept at most half full). */
  private rehash(): void {
    const old = this.table
    const table = new Int32Array(old.length * 2)
    const mask = (table.length >> 1) - 1
    for (let k = 0; k < old.length; k += 2) {
      if (old[k + 1] === 0) continue
      let slot = old[k] & mask
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask
      table[2 * slot] = old[k]
      table[2 * slot + 1] = old[k + 1]
    }
    this.table = table
  }
}
