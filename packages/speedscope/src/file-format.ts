/**
 * The speedscope file format (https://www.speedscope.app/file-format-schema.json), as far as
 * profconv reads and writes it. Frame `line` and `col` are 1-based.
 */
export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json'

export type SpeedscopeUnit =
  'none' | 'nanoseconds' | 'microseconds' | 'milliseconds' | 'seconds' | 'bytes'

export interface SpeedscopeFrame {
  name: string
  file?: string
  line?: number
  col?: number
}

export interface SampledProfile {
  type: 'sampled'
  name: string
  unit: SpeedscopeUnit
  startValue: number
  endValue: number
  /** Stacks root first, as indices into `shared.frames`. */
  samples: number[][]
  weights: number[]
}

export interface FrameEvent {
  type: 'O' | 'C'
  at: number
  frame: number
}

export interface EventedProfile {
  type: 'evented'
  name: string
  unit: SpeedscopeUnit
  startValue: number
  endValue: number
  events: FrameEvent[]
}

export interface SpeedscopeFile {
  $schema: typeof SPEEDSCOPE_SCHEMA
  shared: { frames: SpeedscopeFrame[] }
  profiles: (SampledProfile | EventedProfile)[]
  name?: string
  activeProfileIndex?: number
  exporter?: string
}
