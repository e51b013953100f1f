import { Column } from './column.js'
import type { JsonBytes } from './json-bytes.js'

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const NULL = 0x6e

/** An array of numbers from a trace, and what it was: absent (or null), numbers, or not. */
export class Numbers extends Column {
  /** 0 absent or null, 1 numbers, -1 anything else. */
  state = 0

  /** Reads the value at the cursor. */
  read(json: JsonBytes): void {
    this.length = 0
    if (json.peek() === NULL) {
      json.skip()
      this.state = 0
    } else {
      this.state = json.numbers(this) ? 1 : -1
    }
  }
}

/**
 * What a V8 CPU profile event's `args.data` holds (`Profile`, `ProfileChunk`, old `CpuProfile`
 * events). The scanner reads the `args.data` object of every event into one such record, from
 * the bytes, before it knows the event's name (Chrome writes `args` first): for other events
 * this costs what skipping them costs, and for a chunk its numbers are read once.
 */
export class ProfileData {
  /** Byte offset of `cpuProfile.nodes` (parsed when used), -1 when absent. */
  nodes = -1
  /** `cpuProfile.samples`, `cpuProfile.timeDeltas` (old events), `timeDeltas`, `lines`. */
  readonly samples = new Numbers()
  readonly cpuDeltas = new Numbers()
  readonly deltas = new Numbers()
  readonly lines = new Numbers()
  /** `startTime`, `endTime`, and those of `cpuProfile` (old events); finite numbers or undefined. */
  startTime: number | undefined
  endTime: number | undefined
  cpuStartTime: number | undefined
  cpuEndTime: number | undefined

  /** Reads the object at the cursor. */
  read(json: JsonBytes): void {
    this.nodes = -1
    this.samples.state = this.cpuDeltas.state = this.deltas.state = this.lines.state = 0
    this.samples.length = this.cpuDeltas.length = this.deltas.length = this.lines.length = 0
    this.startTime = this.endTime = this.cpuStartTime = this.cpuEndTime = undefined
    if (!json.enterObject()) return
    do {
      json.key()
      if (json.keyIs('cpuProfile') && json.peek() === OPEN_BRACE) {
        if (json.enterObject()) {
          do {
            json.key()
            if (json.keyIs('samples')) this.samples.read(json)
            else if (json.keyIs('nodes')) {
              this.nodes = json.at
              json.skip()
            } else if (json.keyIs('timeDeltas')) this.cpuDeltas.read(json)
            else if (json.keyIs('startTime')) this.cpuStartTime = time(json)
            else if (json.keyIs('endTime')) this.cpuEndTime = time(json)
            else json.skip()
          } while (json.next(CLOSE_BRACE))
        }
      } else if (json.keyIs('timeDeltas')) this.deltas.read(json)
      else if (json.keyIs('lines')) this.lines.read(json)
      else if (json.keyIs('startTime')) this.startTime = time(json)
      else if (json.keyIs('endTime')) this.endTime = time(json)
      else json.skip()
    } while (json.next(CLOSE_BRACE))
  }
}

function time(json: JsonBytes): number | undefined {
  const value = json.scalar()
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}
