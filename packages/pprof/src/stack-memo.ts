import { grown } from './wire.js'

/**
 * Remembers a value (a stack tree node) per sequence of integers (a sample's location indexes),
 * so samples with the same stack cost one hash probe instead of one tree lookup per frame: the
 * 1M-sample benchmark has 185k distinct stacks. Sequences are kept back to back in one
 * `Int32Array`, found through an open-addressing table; they take no more room than the input's
 * own location ids. Memory is laid out for few cache misses, the cost that dominates here: a
 * slot holds the sequence's hash, where it starts, its length and its value side by side, so a
 * hit reads one slot and the sequence itself.
 */
export class StackMemo {
  // Small at first: a merge reads thousands of small profiles; both grow by doubling.
  private pool: Int32Array = new Int32Array(1 << 8)
  private poolLength = 0
  private count = 0
  /** SLOT ints per slot: hash, start in `pool` + 1 (0: free), length, value. */
  private slots: Int32Array = new Int32Array(SLOT << 6)
  /** The value of `seq[from..to)`, whose `stackHash` is `hash`, or undefined. */
  get(seq: Int32Array, from: number, to: number, hash: number): number | undefined {
    const at = this.find(seq, from, to, hash)
    return this.slots[at + 1] === 0 ? undefined : this.slots[at + 3]
  }

  /** Stores `value` for `seq[from..to)` (`stackHash` `hash`), which must not be stored yet. */
  set(seq: Int32Array, from: number, to: number, hash: number, value: number): void {
    const at = this.find(seq, from, to, hash)
    const length = to - from
    while (this.poolLength + length > this.pool.length) this.pool = grown(this.pool)
    this.pool.set(seq.subarray(from, to), this.poolLength)
    this.slots[at] = hash
    this.slots[at + 1] = this.poolLength + 1
    this.slots[at + 2] = length
    this.slots[at + 3] = value
    this.poolLength += length
    if (++this.count * 2 > this.slots.length / SLOT) this.rehash()
  }

  /**
   * Reads the slots of the sequences whose hashes are `keys[0..count)`, then the sequence each
   * slot holds, so that their `get` and `set` soon after find them in the CPU's
   * cache. A lookup's time is mostly two cache misses (its slot, then its sequence), and misses
   * made back to back, independent of each other, overlap: the 1M-sample benchmark's ~1M
   * lookups took a third of the time so. The answer means nothing: the caller keeps it, so
   * that the reads are not left out as unused.
   */
  warm(keys: Int32Array, count: number): number {
    const slots = this.slots
    const pool = this.pool
    const mask = slots.length / SLOT - 1
    let seen = 0
    for (let i = 0; i < count; i++) seen ^= slots[(keys[i] & mask) * SLOT + 1]
    for (let i = 0; i < count; i++) {
      const at = (keys[i] & mask) * SLOT
      const start = slots[at + 1] - 1
      // Its first and last values: a sequence may straddle two cache lines.
      if (start >= 0) seen ^= pool[start] ^ pool[start + slots[at + 2] - 1]
    }
    return seen
  }

  /** Where in `slots` the sequence is, or the free slot where it would go. */
  private find(seq: Int32Array, from: number, to: number, hash: number): number {
    const slots = this.slots
    const mask = slots.length / SLOT - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT
      const start = slots[at + 1] - 1
      if (start < 0) return at
      if (slots[at] === hash && slots[at + 2] === to - from && this.matches(start, seq, from, to))
        return at
    }
  }

  private matches(start: number, seq: Int32Array, from: number, to: number): boolean {
    const at = start - from
    for (let i = from; i < to; i++) if (this.pool[at + i] !== seq[i]) return false
    return true
  }

  private rehash(): void {
    const old = this.slots
    const slots = new Int32Array(old.length * 2)
    const mask = slots.length / SLOT - 1
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at + 1] === 0) continue
      let slot = old[at] & mask
      while (slots[slot * SLOT + 1] !== 0) slot = (slot + 1) & mask
      slots.set(old.subarray(at, at + SLOT), slot * SLOT)
    }
    this.slots = slots
  }
}

const SLOT = 4

/*
 * The hash of a sequence is built root first (from its end down to its start), so the reader
 * gets it while it maps location ids, and the state one step before the leaf is the caller
 * stack's: a new stack's two lookups and its store hash nothing again.
 *
 *     let h = HASH_SEED
 *     for (let i = to - 1; i >= from; i--) h = hashStep(h, seq[i])
 *     memo.get(seq, from, to, hashFinish(h, to - from))
 */
export const HASH_SEED = 0x811c9dc5

export function hashStep(h: number, value: number): number {
  return Math.imul(h ^ value, 0x01000193) ^ (h >>> 15)
}

export function hashFinish(h: number, length: number): number {
  h = Math.imul(h ^ length, 0x85ebca6b)
  h ^= h >>> 13
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 16)
}

/** The hash of `seq[from..to)` in one go. */
export function stackHash(seq: Int32Array, from: number, to: number): number {
  let h = HASH_SEED
  for (let i = to - 1; i >= from; i--) h = hashStep(h, seq[i])
  return hashFinish(h, to - from)
}
