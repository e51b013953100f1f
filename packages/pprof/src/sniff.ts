/**
 * True when `bytes` (already gunzipped, possibly only the head of the file) read as the start
 * of a profile.proto message: every top-level field is one of Profile's with its wire type, a
 * leading sample_type or period_type is a well-formed ValueType, and at least two fields (or
 * the whole input) are complete. Text formats fail on their first bytes.
 */
export function sniffPprof(bytes: Uint8Array): boolean {
  let at = 0
  let complete = 0
  const c: Cursor = { end: 0 }
  while (at < bytes.length) {
    const tag = varint(bytes, at, c)
    if (tag < 0) return false
    const field = tag >>> 3
    const wire = tag & 7
    let end: number
    if (wire === 2 && (field <= 6 || field === 11 || field === 13)) {
      const length = varint(bytes, c.end, c)
      if (length < 0) break
      const start = c.end
      end = start + length
      if (complete === 0 && (field === 1 || field === 11)) {
        if (end > bytes.length || !isValueType(bytes.subarray(start, end))) return false
      }
    } else if (wire === 0 && field >= 7 && field <= 15 && field !== 11) {
      if (varint(bytes, c.end, c) < 0) break
      end = c.end
    } else {
      return false
    }
    if (field === 0 || end > bytes.length) break
    at = end
    complete++
  }
  return complete >= 2 || (complete === 1 && at === bytes.length)
}

/** A ValueType message: only fields 1 and 2, varints. */
function isValueType(bytes: Uint8Array): boolean {
  let at = 0
  const c: Cursor = { end: 0 }
  while (at < bytes.length) {
    if (bytes[at] !== 0x08 && bytes[at] !== 0x10) return false
    if (varint(bytes, at + 1, c) < 0) return false
    at = c.end
  }
  return true
}

/** Where the last `varint` read ended: one per sniff, not an object per varint. */
interface Cursor {
  end: number
}

/**
 * A varint at `at` (beyond 2^53 approximate), its end in `cursor.end`; -1 if cut or longer than
 * 10 bytes.
 */
function varint(bytes: Uint8Array, at: number, cursor: Cursor): number {
  let value = 0
  for (let shift = 0; shift < 70 && at < bytes.length; shift += 7) {
    const b = bytes[at++]
    value += (b & 0x7f) * 2 ** shift
    if (b < 0x80) {
      cursor.end = at
      return value
    }
  }
  return -1
}
