import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import type { Seed } from './corpus.js'

/** Little-endian and varint encodings of boundary values: declared lengths, counts, ids. */
const INTERESTING_BYTES: readonly number[][] = [
  [0x00],
  [0xff],
  [0x7f],
  [0x80],
  [0xff, 0xff, 0xff, 0x7f], // int32 max
  [0x00, 0x00, 0x00, 0x80], // int32 min
  [0xff, 0xff, 0xff, 0xff], // -1
  [0xff, 0xff, 0xff, 0xff, 0x0f], // varint 2^32 - 1
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // varint 2^64 - 1
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], // unterminated varint
  [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x7f], // float64 +Infinity
  [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x7f], // float64 NaN
]

/** Textual numbers that stress ids, counts, indices and sizes in text formats. */
const INTERESTING_NUMBERS = [
  '0',
  '-1',
  '4294967295',
  '4294967296',
  '2147483648',
  '9007199254740993',
  '99999999999999999999999',
  '1e308',
  '-1e308',
  '1e999',
  'NaN',
  '0x7fffffff',
  '1.5',
]

/**
 * Tokens that open one level of nesting in some format: JSON arrays and objects; marshal
 * tuples, lists, dicts (small and large); protobuf groups and length-delimited fields.
 */
const NESTING_TOKENS: readonly Uint8Array[] = [
  '[',
  '{"a":',
  '{"frames":[',
  ')\x01',
  '(\x01\x00\x00\x00',
  '[\x01\x00\x00\x00',
  '{',
  '\xa9\x01',
  '\x0b',
  '\x13',
  '\x12\x7f',
].map((t) => Uint8Array.from(t, (c) => c.charCodeAt(0)))

const REPEATS = [2, 16, 1000, 20_000, 100_000]

type Mutation = (bytes: Uint8Array, other: Uint8Array) => Uint8Array

const at = (bytes: Uint8Array, n: number) => (bytes.length === 0 ? 0 : n % (bytes.length + 1))

const concat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts))

const flipBits = fc
  .array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 8 })
  .map((flips): Mutation => (bytes) => {
    const out = bytes.slice()
    for (const [pos, bit] of flips) if (out.length > 0) out[pos % out.length] ^= 1 << bit
    return out
  })

const overwriteInteresting = fc
  .tuple(fc.nat(), fc.constantFrom(...INTERESTING_BYTES), fc.boolean())
  .map(([pos, value, insert]): Mutation => (bytes) => {
    const p = at(bytes, pos)
    const v = Uint8Array.from(value)
    return concat(bytes.subarray(0, p), v, bytes.subarray(insert ? p : p + v.length))
  })

/** Replaces the n-th run of digits (a count, id, index or size in text) with a hostile number. */
const replaceNumber = fc
  .tuple(fc.nat(), fc.constantFrom(...INTERESTING_NUMBERS))
  .map(([n, number]): Mutation => (bytes) => {
    const text = Buffer.from(bytes).toString('latin1')
    const runs = [...text.matchAll(/\d+/g)]
    if (runs.length === 0) return bytes
    const run = runs[n % runs.length]
    const replaced = text.slice(0, run.index) + number + text.slice(run.index! + run[0].length)
    return Uint8Array.from(Buffer.from(replaced, 'latin1'))
  })

const truncate = fc.nat().map(
  (n): Mutation =>
    (bytes) =>
      bytes.subarray(0, at(bytes, n)),
)

const deleteRange = fc.tuple(fc.nat(), fc.nat(64)).map(([pos, len]): Mutation => (bytes) => {
  const p = at(bytes, pos)
  return concat(bytes.subarray(0, p), bytes.subarray(p + len))
})

/** Splices a prefix of the seed with a suffix of another (possibly other-format) seed. */
const splice = fc.tuple(fc.nat(), fc.nat()).map(
  ([i, j]): Mutation =>
    (bytes, other) =>
      concat(bytes.subarray(0, at(bytes, i)), other.subarray(at(other, j))),
)

/** Repeats a nesting token, or a short slice of the seed, many times at one place. */
const nest = fc
  .tuple(
    fc.nat(),
    fc.constantFrom(...REPEATS),
    fc.oneof(
      fc.constantFrom(...NESTING_TOKENS),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })),
    ),
  )
  .map(([pos, times, token]): Mutation => (bytes) => {
    const p = at(bytes, pos)
    const unit =
      token instanceof Uint8Array
        ? token
        : bytes.subarray(at(bytes, token[0]), at(bytes, token[0]) + token[1])
    const repeated = new Uint8Array(unit.length * times)
    for (let k = 0; k < times; k++) repeated.set(unit, k * unit.length)
    return concat(bytes.subarray(0, p), repeated, bytes.subarray(p))
  })

const mutation = fc.oneof(
  { arbitrary: flipBits, weight: 4 },
  { arbitrary: overwriteInteresting, weight: 3 },
  { arbitrary: replaceNumber, weight: 3 },
  { arbitrary: truncate, weight: 2 },
  { arbitrary: deleteRange, weight: 2 },
  { arbitrary: splice, weight: 2 },
  { arbitrary: nest, weight: 2 },
)

/**
 * Inputs made from `seeds` by one to three mutations (`others` feed splices). Gzip seeds are
 * mutated inside the compression and usually compressed again; sometimes the compressed bytes
 * themselves are mutated.
 */
export function mutated(seeds: readonly Seed[], others: readonly Seed[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      seed: fc.constantFrom(...seeds),
      other: fc.constantFrom(...others),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
      wrap: fc.constantFrom('as-seed', 'as-seed', 'as-seed', 'raw-gzip', 'gzip'),
    })
    .map(({ seed, other, mutations, wrap }) => {
      let bytes = wrap === 'raw-gzip' && seed.gzip ? seed.bytes : seed.plain
      for (const m of mutations) bytes = m(bytes, other.plain)
      if (wrap === 'gzip' || (wrap === 'as-seed' && seed.gzip))
        bytes = new Uint8Array(gzipSync(bytes))
      return bytes
    })
}

/** Random bytes, alone or behind the first bytes of a seed (its magic, so the reader goes deeper). */
export function randomBytes(seeds: readonly Seed[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    fc
      .tuple(fc.constantFrom(...seeds), fc.nat(256), fc.uint8Array({ maxLength: 4096 }))
      .map(([seed, keep, tail]) => concat(seed.plain.subarray(0, keep), tail)),
    fc.string({ unit: 'binary', maxLength: 1024 }).map((s) => new TextEncoder().encode(s)),
  )
}
