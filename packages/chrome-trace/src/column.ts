/** Numbers in a `Float64Array` that doubles as it fills. */
export class Column {
  values = new Float64Array(256)
  length = 0

  push(value: number): void {
    if (this.length === this.values.length) this.reserve(1)
    this.values[this.length++] = value
  }

  /** Appends the first `n` numbers of `from`. */
  append(from: Column, n = from.length): void {
    this.reserve(n)
    this.values.set(from.values.subarray(0, n), this.length)
    this.length += n
  }

  /** Makes room for `n` more numbers. */
  reserve(n: number): void {
    if (this.length + n <= this.values.length) return
    let size = this.values.length * 2
    while (size < this.length + n) size *= 2
    const values = new Float64Array(size)
    values.set(this.values.subarray(0, this.length))
    this.values = values
  }
}
