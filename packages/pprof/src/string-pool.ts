import { grown } from './wire.js'

/** One decoder for every string (see header-decoder.ts): fatal, keeps a BOM, as protobufjs. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Strings interned by their UTF-8 bytes: a merge of thousands of profiles of one program meets
 * the same few hundred strings in every file, and finds each by hashing its bytes, without
 * decoding it again or making a string. Id 0 is the empty string. Bytes are kept back to back
 * in one growing buffer, found through an open-addressing table.
 */
export class StringPool {
  private pool = new Uint8Array(1 << 12)
  private poolLength = 0
  private starts: Int32Array = new Int32Array(256)
  private hashes: Int32Array = new Int32Array(256)
  private readonly strings: string[] = ['']
  /** Id + 1 per slot, 0 when free. */
  private slots: Int32Array = new Int32Array(512)

  get length(): number {
    return this.strings.length
  }

  /** The string of id `id`. */
  get(id: number): string {
    return this.strings[id]
  }

  /** The id of the string of UTF-8 `bytes[start..end)`; -1 when the bytes are not valid UTF-8. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    if (start === end) return 0
    let h = 0x811c9dc5
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193)
    const length = end - start
    const mask = this.slots.length - 1
    let slot = h & mask
    for (let entry = this.slots[slot]; entry !== 0; entry = this.slots[slot]) {
      const id = entry - 1
      if (this.hashes[id] === h && this.same(id, bytes, start, length)) return id
      slot = (slot + 1) & mask
    }
    let text: string
    try {
      text = UTF8.decode(bytes.subarray(start, end))
    } catch {
      return -1
    }
    const id = this.strings.push(text) - 1
    if (id + 1 >= this.starts.length) {
      this.starts = grown(this.starts)
      this.hashes = grown(this.hashes)
    }
    while (this.poolLength + length > this.pool.length) {
      const pool = new Uint8Array(this.pool.length * 2)
      pool.set(this.pool.subarray(0, this.poolLength))
      this.pool = pool
    }
    this.pool.set(bytes.subarray(start, end), this.poolLength)
    this.starts[id] = this.poolLength
    this.poolLength += length
    this.starts[id + 1] = this.poolLength
    this.hashes[id] = h
    this.slots[slot] = id + 1
    if (this.strings.length * 2 > this.slots.length) this.rehash()
    return id
  }

  private same(id: number, bytes: Uint8Array, start: number, length: number): boolean {
    const from = this.starts[id]
    if (this.starts[id + 1] - from !== length) return false
    const pool = this.pool
    for (let i = 0; i < length; i++) if (pool[from + i] !== bytes[start + i]) return false
    return true
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let id = 1; id < this.strings.length; id++) {
      let slot = this.hashes[id] & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = id + 1
    }
    this.slots = slots
  }
}
