const utf8 = new TextDecoder('utf-8')

/**
 * One of callgrind's three name spaces (objects, files, functions): names interned to dense
 * indexes, and the file's compressed ids `(12)` mapped to them. Ids are defined on first use
 * (`fn=(12) main`) and referenced later (`fn=(12)`), on any line that may carry that kind.
 */
export class NameTable {
  readonly names: string[] = []
  private readonly index = new Map<string, number>()
  private readonly ids: number[] = []

  /**
   * Resolves the value of a name line (`(id) name`, `(id)` or a plain `name`) held in
   * `buf[start..end)` to a name index. Returns -1 for a reference to an undefined id.
   */
  resolve(buf: Uint8Array, start: number, end: number): number {
    if (buf[start] === 40 /* ( */) {
      let p = start + 1
      let id = 0
      while (p < end && buf[p] >= 48 && buf[p] <= 57) id = id * 10 + buf[p++] - 48
      if (p > start + 1 && p < end && buf[p] === 41 /* ) */) {
        p++
        while (p < end && buf[p] === 32) p++
        if (p === end) return this.ids[id] ?? -1
        return (this.ids[id] = this.intern(utf8.decode(buf.subarray(p, end))))
      }
    }
    // A plain name, which may itself start with "(" as in "(below main)".
    return this.intern(utf8.decode(buf.subarray(start, end)))
  }

  intern(name: string): number {
    let i = this.index.get(name)
    if (i === undefined) {
      i = this.names.push(name) - 1
      this.index.set(name, i)
    }
    return i
  }
}
