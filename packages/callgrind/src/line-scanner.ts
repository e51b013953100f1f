/** Receives one line as a byte range of `buf` (without the newline and a trailing CR). */
export type LineHandler = (buf: Uint8Array, start: number, end: number, lineNo: number) => void

/**
 * Cuts bytes arriving in chunks into lines without decoding them: a line is handed over as a
 * range of the chunk it lies in, so nothing is copied except a line that straddles two chunks.
 * Handles CRLF, a UTF-8 byte-order mark and a last line without a newline. Lines are 1-based.
 */
export class ByteLineScanner {
  /** The start of a line that continues in the next chunk: `carry[0..carried)`. */
  private carry = new Uint8Array(0)
  private carried = 0
  private lineNo = 0
  private first = true

  constructor(private readonly onLine: LineHandler) {}

  push(chunk: Uint8Array): void {
    let from = 0
    if (this.first && chunk.length > 0) {
      this.first = false
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3
    }
    if (this.carried > 0) {
      const nl = chunk.indexOf(10, from)
      this.keep(chunk.subarray(from, nl < 0 ? chunk.length : nl))
      if (nl < 0) return
      const length = this.carried
      this.carried = 0
      this.emit(this.carry, 0, length)
      from = nl + 1
    }
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      this.emit(chunk, from, nl)
      from = nl + 1
    }
    // The unfinished tail is copied: the caller may reuse the chunk's memory.
    if (from < chunk.length) this.keep(chunk.subarray(from))
  }

  end(): void {
    const length = this.carried
    this.carried = 0
    if (length > 0) this.emit(this.carry, 0, length)
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

  private emit(buf: Uint8Array, start: number, end: number): void {
    if (end > start && buf[end - 1] === 13) end--
    this.onLine(buf, start, end, ++this.lineNo)
  }
}
