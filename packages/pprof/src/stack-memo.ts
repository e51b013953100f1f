/**
 * Remembers a value (a stack tree node) per sequence of integers (a sample's location indexes),
 * so samples with the same stack cost one hash probe instead of one tree lookup per frame: the
 * 1M-sample benchmark has 185k distinct stacks. Sequences are kept back to back in one
 * `Int32Array`, found through an open-addressing table; they take no more room than the input's
 * own location ids.
 */
export class StackMemo {
  private pool: Int32Array = new Int32Array(1 << 12)
  private poolLength = 0
  /** Per entry: where its sequence starts in `pool`, its length, its value. */
  private starts: Int32Array = new Int32Array(1 << 10)
  private lengths: Int32Array = new Int32Array(1 << 10)
  private values: Int32Array = new Int32Array(1 << 10)
  private count = 0
  /** Entry index + 1 per slot, 0 when free. */
  private slots: Int32Array = new Int32Array(1 << 11)
  /** Where the last missed `get` would insert. */
  private freeSlot = -1

  /** The value of `seq[from..to)`, or undefined; a miss is followed by `set` of that sequence. */
  get(seq: Int32Array, from: number, to: number): number | undefined {
    const mask = this.slots.length - 1
    let slot = hashOf(seq, from, to) & mask
    for (let entry = this.slots[slot]; entry !== 0; entry = this.slots[slot]) {
      if (this.matches(entry - 1, seq, from, to)) return this.values[entry - 1]
      slot = (slot + 1) & mask
    }
    this.freeSlot = slot
    return undefined
  }

  /** Stores `value` for `seq[from..to)`, which the last `get` missed. */
  set(seq: Int32Array, from: number, to: number, value: number): void {
    const entry = this.count++
    if (entry === this.starts.length) this.growEntries()
    const length = to - from
    while (this.poolLength + length > this.pool.length) this.pool = grown(this.pool)
    this.pool.set(seq.subarray(from, to), this.poolLength)
    this.starts[entry] = this.poolLength
    this.lengths[entry] = length
    this.values[entry] = value
    this.poolLength += length
    this.slots[this.freeSlot] = entry + 1
    if (this.count * 2 > this.slots.length) this.rehash()
  }

  private matches(entry: number, seq: Int32Array, from: number, to: number): boolean {
    if (this.lengths[entry] !== to - from) return false
    const at = this.starts[entry] - from
    for (let i = from; i < to; i++) if (this.pool[at + i] !== seq[i]) return false
    return true
  }

  private growEntries(): void {
    this.starts = grown(this.starts)
    this.lengths = grown(this.lengths)
    this.values = grown(this.values)
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let entry = 0; entry < this.count; entry++) {
      const start = this.starts[entry]
      let slot = hashOf(this.pool, start, start + this.lengths[entry]) & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = entry + 1
    }
    this.slots = slots
  }
}

function hashOf(seq: Int32Array, from: number, to: number): number {
  let h = 0x811c9dc5 ^ (to - from)
  for (let i = from; i < to; i++) h = Math.imul(h ^ seq[i], 0x01000193) ^ (h >>> 15)
  h ^= h >>> 13
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 16)
}

function grown(a: Int32Array): Int32Array {
  const out = new Int32Array(a.length * 2)
  out.set(a)
  return out
}
