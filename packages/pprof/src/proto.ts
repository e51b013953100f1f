import protobuf from 'protobufjs/light.js'
import { profileDescriptor } from './generated/profile-descriptor.js'

// 64-bit fields as plain numbers, not Long objects: twice as fast and half the memory
// (TOOLCHAIN.md). This configures the protobufjs instance this package loads; callers check
// magnitudes beyond 2^53 themselves (see `isExact`).
protobuf.util.Long = null as unknown as typeof protobuf.util.Long
protobuf.configure()

/**
 * protobufjs's types for profile.proto, built on first use: reading decodes by hand, so only
 * writing (and the tests' reference decoder) pays for them, not every start of the CLI.
 */
let types: { profile: protobuf.Type; header: protobuf.Type } | undefined
function protobufTypes(): { profile: protobuf.Type; header: protobuf.Type } {
  if (types) return types
  const root = protobuf.Root.fromJSON(profileDescriptor)
  // The same message without its samples, which protobufjs then skips (the reference for
  // header-decoder.ts, which reads them without an object per sample).
  const headerFields = Object.fromEntries(
    Object.entries(profileDescriptor.nested.perftools.nested.profiles.nested.Profile.fields).filter(
      ([name]) => name !== 'sample',
    ),
  )
  const header = protobuf.Type.fromJSON('ProfileHeader', { fields: headerFields })
  ;(root.lookup('perftools.profiles') as protobuf.Namespace).add(header)
  types = { profile: root.lookupType('perftools.profiles.Profile'), header }
  return types
}

/** profile.proto's messages as protobufjs decodes them (camelCase fields, unset = 0 / []). */
export interface ValueTypeMessage {
  type: number
  unit: number
}
export interface LabelMessage {
  key: number
  str: number
  num: number
  numUnit: number
}
export interface SampleMessage {
  locationId: number[]
  value: number[]
  label: LabelMessage[]
}
/**
 * A uint64 the hand decoder keeps exact: a number up to 2^53, a bigint beyond. (protobufjs,
 * with `Long` off, rounds; its encoder takes `{ low, high }` halves for such values.)
 */
export type Uint64 = number | bigint

export interface MappingMessage {
  id: number
  memoryStart: Uint64
  memoryLimit: Uint64
  fileOffset: Uint64
  filename: number
  buildId: number
  hasFunctions: boolean
  hasFilenames: boolean
  hasLineNumbers: boolean
  hasInlineFrames: boolean
}
export interface LineMessage {
  functionId: number
  line: number
  column: number
}
export interface LocationMessage {
  id: number
  mappingId: number
  address: Uint64
  line: LineMessage[]
  isFolded: boolean
}
export interface FunctionMessage {
  id: number
  name: number
  systemName: number
  filename: number
  startLine: number
}
export interface ProfileMessage {
  sampleType: ValueTypeMessage[]
  sample: SampleMessage[]
  mapping: MappingMessage[]
  location: LocationMessage[]
  function: FunctionMessage[]
  stringTable: string[]
  dropFrames: number
  keepFrames: number
  timeNanos: number
  durationNanos: number
  periodType?: ValueTypeMessage | null
  period: number
  comment: number[]
  defaultSampleType: number
  docUrl: number
}

/**
 * Decodes everything but the samples with protobufjs (`sample` is left empty). The reader uses
 * header-decoder.ts's hand decoder; this is the reference the tests compare it with.
 */
export function decodeProfileHeaderWithProtobufjs(bytes: Uint8Array): ProfileMessage {
  const message = protobufTypes().header.decode(bytes) as unknown as ProfileMessage
  message.sample = []
  return message
}

/**
 * Encodes a profile message; fields left out or zero are not written. Addresses and mapping
 * bounds beyond 2^53 (bigints) are written exactly.
 */
export function encodeProfile(message: DeepPartial<ProfileMessage>): Uint8Array {
  for (const m of message.mapping ?? []) {
    m.memoryStart = halves(m.memoryStart)
    m.memoryLimit = halves(m.memoryLimit)
    m.fileOffset = halves(m.fileOffset)
  }
  for (const l of message.location ?? []) l.address = halves(l.address)
  return protobufTypes().profile.encode(message).finish()
}

/** A bigint as the `{ low, high }` halves protobufjs's encoder takes (its `LongBits.from`). */
function halves(value: Uint64 | undefined): Uint64 | undefined {
  if (typeof value !== 'bigint') return value
  const bits = { low: Number(value & 0xffffffffn), high: Number((value >> 32n) & 0xffffffffn) }
  return bits as unknown as Uint64
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer E)[]
    ? DeepPartial<E>[]
    : T[K] extends object
      ? DeepPartial<T[K]>
      : T[K]
}

/** False for integers beyond ±2^53, which arrive rounded. */
export function isExact(value: number): boolean {
  return value <= Number.MAX_SAFE_INTEGER && value >= -Number.MAX_SAFE_INTEGER
}
