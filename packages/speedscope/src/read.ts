import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  parseJson,
  nanosecondsPer,
  newMeta,
  type Frame,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import type { SpeedscopeFrame, SpeedscopeUnit } from './file-format.js'
import { isSpeedscopeUnit, metricFor } from './units.js'

const FORMAT = 'speedscope'

type Json = Record<string, unknown>

/**
 * Reads a speedscope file (format versions 0.0.1 to current) into one Profile per speedscope
 * profile, in file order. A sampled profile keeps its samples as they are; an evented one
 * becomes one sample per stretch between two events, weighted by its length, with its time.
 */
export function readSpeedscope(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const file = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT)
  if (!isObject(file)) fail('the file is not a JSON object')
  const shared = file.shared
  if (!isObject(shared) || !Array.isArray(shared.frames)) fail("missing 'shared.frames'")
  if (!Array.isArray(file.profiles)) fail("missing 'profiles'")
  const frames = shared.frames.map((f, i) => frameOf(f, i))
  const profiles = file.profiles.map((p, i) => readProfile(p, i, frames))
  for (const p of profiles) {
    if (typeof file.exporter === 'string') p.meta.comments.push(`exporter: ${file.exporter}`)
    if (typeof file.name === 'string' && file.name !== p.meta.name) {
      p.meta.comments.push(`file name: ${file.name}`)
    }
  }
  const active = file.activeProfileIndex
  if (profiles.length > 1 && typeof active === 'number' && active > 0 && active < profiles.length) {
    profiles[0].meta.notes.push(
      `speedscope activeProfileIndex ${active} ('${profiles[active].meta.name}') is not kept: profiles are read in file order`,
    )
  }
  return profiles
}

function readProfile(raw: unknown, index: number, frames: readonly Frame[]): Profile {
  const where = `profile ${index}`
  if (!isObject(raw)) fail(`${where} is not an object`)
  const name = typeof raw.name === 'string' ? raw.name : undefined
  const at = name !== undefined ? `${where} ('${name}')` : where
  const unit = raw.unit
  if (!isSpeedscopeUnit(unit)) fail(`${at} has unknown unit ${JSON.stringify(unit)}`)
  const startValue = numberOr(raw.startValue, 0)
  const endValue = numberOr(raw.endValue, startValue)
  const table = new FrameTable()
  const ids = new Int32Array(frames.length).fill(-1)
  const frameId = (index: unknown, what: string): number => {
    if (
      typeof index !== 'number' ||
      !Number.isInteger(index) ||
      index < 0 ||
      index >= frames.length
    ) {
      fail(
        `${at}, ${what}: frame index ${JSON.stringify(index)} is out of range (${frames.length} frames)`,
      )
    }
    if (ids[index] < 0) ids[index] = table.intern(frames[index])
    return ids[index]
  }

  const builder = new SamplesBuilder(1)
  if (raw.type === 'sampled') readSampled(raw, at, builder, frameId)
  else if (raw.type === 'evented') {
    readEvented(raw, at, unit, startValue, builder, frameId, (i) => `${i} ('${frames[i].name}')`)
  } else fail(`${at} has unknown type ${JSON.stringify(raw.type)}`)

  const meta = newMeta(FORMAT)
  if (name !== undefined) meta.name = name
  const nsPer = nanosecondsPer(unit)
  if (nsPer !== undefined && endValue > startValue) meta.duration = (endValue - startValue) * nsPer
  return {
    metrics: [metricFor(unit)],
    defaultMetric: 0,
    frames: table,
    samples: builder.finish(),
    meta,
  }
}

type FrameId = (index: unknown, what: string) => number

function readSampled(raw: Json, at: string, builder: SamplesBuilder, frameId: FrameId): void {
  const { samples, weights } = raw
  if (!Array.isArray(samples) || !Array.isArray(weights))
    fail(`${at}: 'samples' and 'weights' must be arrays`)
  if (samples.length !== weights.length) {
    fail(`${at} has ${samples.length} samples but ${weights.length} weights`)
  }
  const stack: number[] = []
  for (let i = 0; i < samples.length; i++) {
    const frames = samples[i]
    const weight = weights[i]
    if (!Array.isArray(frames)) fail(`${at}, sample ${i}: the stack is not an array`)
    // JSON allows 1e999, which parses to Infinity.
    if (typeof weight !== 'number' || !Number.isFinite(weight))
      fail(`${at}, sample ${i}: the weight is not a finite number`)
    stack.length = 0
    for (const f of frames) stack.push(frameId(f, `sample ${i}`))
    builder.addStack(stack, [weight])
  }
}

/**
 * Turns open/close events into weighted samples: the stack open between two events gets the
 * time between them. Events must be in order and balanced, as speedscope itself requires.
 */
function readEvented(
  raw: Json,
  at: string,
  unit: SpeedscopeUnit,
  startValue: number,
  builder: SamplesBuilder,
  frameId: FrameId,
  describe: (frame: number) => string,
): void {
  if (!Array.isArray(raw.events)) fail(`${at}: 'events' must be an array`)
  const nsPer = nanosecondsPer(unit)
  const openFrames: number[] = [] // file frame indices
  const openNodes: number[] = [] // stack-tree nodes
  let last = -Infinity
  const events: unknown[] = raw.events
  for (let i = 0; i < events.length; i++) {
    const event = events[i]
    const what = `event ${i}`
    if (!isObject(event) || typeof event.at !== 'number' || !Number.isFinite(event.at))
      fail(`${at}, ${what}: needs a finite numeric 'at'`)
    if (event.at < last) {
      fail(`${at}, ${what} at ${event.at} comes after an event at ${last}: events must be in order`)
    }
    const id = frameId(event.frame, what)
    const frame = event.frame as number
    const top = openNodes.length - 1
    if (top >= 0 && event.at > last) {
      const time = nsPer !== undefined ? (last - startValue) * nsPer : undefined
      builder.add(openNodes[top], [event.at - last], undefined, time)
    }
    last = event.at
    if (event.type === 'O') {
      openFrames.push(frame)
      openNodes.push(builder.tree.child(top >= 0 ? openNodes[top] : -1, id))
    } else if (event.type === 'C') {
      if (top < 0) fail(`${at}, ${what} closes frame ${describe(frame)} but no frame is open`)
      if (openFrames[top] !== frame) {
        fail(
          `${at}, ${what} closes frame ${describe(frame)} but the innermost open frame is ${describe(openFrames[top])}`,
        )
      }
      openFrames.pop()
      openNodes.pop()
    } else {
      fail(`${at}, ${what} has unknown type ${JSON.stringify(event.type)}`)
    }
  }
  if (openFrames.length > 0) {
    fail(
      `${at} is unbalanced: ${openFrames.length} frame(s) still open at the end (innermost ${describe(openFrames[openFrames.length - 1])})`,
    )
  }
}

function frameOf(raw: unknown, index: number): Frame {
  if (!isObject(raw) || typeof raw.name !== 'string') fail(`shared frame ${index} has no name`)
  const f = raw as Partial<SpeedscopeFrame>
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = { name: f.name! }
  if (typeof f.file === 'string') frame.file = f.file
  if (typeof f.line === 'number') frame.line = f.line
  if (typeof f.col === 'number') frame.column = f.col
  return frame
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}
