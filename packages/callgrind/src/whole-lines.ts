/**
 * Receives whole lines: `buf[start..end)` holds one or more lines, each ended by a newline
 * (`buf[end - 1]` is always `\n`), so a parser may scan for `\n` without checking the end.
 */
export type LinesHandler = (buf: Uint8Array, start: number, end: number) => void

const NEWLINE = new Uint8Array([10])

/**
 * Cuts bytes arriving in chunks into runs of whole lines without decoding or copying them: each
 * chunk's lines up to its last newline are handed over as one range of the chunk; only the line
 * that straddles two chunks is copied, completed from the next chunk and handed over alone. The
 * input's last line gets a newline if it has none.
 */
export class WholeLines {
  /** The start of a line that continues in the next chunk: `carry[0..carried)`. */
  private carry = new Uint8Array(0)
  private carried = 0

  constructor(private readonly onLines: LinesHandler) {}

  push(chunk: Uint8Array): void {
    // Node's Buffers become plain Uint8Arrays (no copy), so the parser's byte loops see one
    // array type and stay monomorphic.
    if (chunk.constructor !== Uint8Array) {
      chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    }
    const last = chunk.lastIndexOf(10)
    if (last < 0) {
      this.keep(chunk)
      return
    }
    let from = 0
    if (this.carried > 0) {
      from = chunk.indexOf(10) + 1
      this.keep(chunk.subarray(0, from))
      this.flush()
    }
    if (from <= last) this.onLines(chunk, from, last + 1)
    // The unfinished tail is copied: the caller may reuse the chunk's memory.
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1))
  }

  end(): void {
    if (this.carried === 0) return
    this.keep(NEWLINE)
    this.flush()
  }

  /** Hands over the carried line, which now ends with its newline. */
  private flush(): void {
    const length = this.carried
    this.carried = 0
    this.onLines(this.carry, 0, length)
  }

  /** Appends to the carried partial line, growing its buffer by doubling. */
  private keep(bytes: Uint8Array): void {
    const need = this.carried + bytes.length
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2, 256))
      grown.set(this.carry.subarray(0, this.carried))
      this.carry = grown
    }
    this.carry.set(bytes, this.carried)
    this.carried = need
  }
}
