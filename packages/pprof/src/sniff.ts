/**
 * True when `bytes` (already gunzipped) start like a profile.proto message: every top-level
 * field in the head is one of Profile's, with its wire type, and the first is a sample_type,
 * sample, mapping, location, function or string. Text formats fail on their first byte.
 */
export function sniffPprof(bytes: Uint8Array): boolean {
  let at = 0
  let fields = 0
  while (at < bytes.length) {
    const tag = varint(bytes, at)
    if (!tag) return false
    at = tag.end
    const field = tag.value >>> 3
    const wire = tag.value & 7
    if (fields === 0 && !(wire === 2 && field >= 1 && field <= 6)) return false
    if (wire === 2 && (field <= 6 || field === 11 || field === 13)) {
      const length = varint(bytes, at)
      if (!length) return at >= bytes.length - 10 && fields > 0
      at = length.end + length.value
    } else if (wire === 0 && field >= 7 && field <= 15 && field !== 11) {
      const value = varint(bytes, at)
      if (!value) return at >= bytes.length - 10 && fields > 0
      at = value.end
    } else {
      return false
    }
    fields++
  }
  return fields > 0
}

/** A varint of up to 35 bits at `at` (enough for tags and lengths), undefined if cut or too long. */
function varint(bytes: Uint8Array, at: number): { value: number; end: number } | undefined {
  let value = 0
  for (let shift = 0; shift < 35 && at < bytes.length; shift += 7) {
    const b = bytes[at++]
    value += (b & 0x7f) * 2 ** shift
    if (b < 0x80) return { value, end: at }
  }
  return undefined
}
