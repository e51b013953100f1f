import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  newMeta,
  type Label,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'papyrus'

/** `50018:PUSH:3185:3:None:abc_quest..exampleFunction1` (time ms, event, stack, depth, form, name) */
const EVENT = /^(\d+):([A-Z_]+):(\d+)(?::([^:]*):([^:]*):(.*))?$/

interface StackState {
  readonly labels: readonly Label[]
  /** Frames open on this stack, outermost first. */
  readonly open: number[]
  /** Time of this stack's last event (ms). */
  last: number
  seen: boolean
}

/**
 * Reads the log of the Papyrus script profiler (Skyrim, Fallout 4: `StartPapyrusScriptProfile`,
 * `StartStackProfiling`): after a `… log opened` line, one event per line, `time:EVENT:stack
 * :depth:form:Script..Function`, time in ms. Each Papyrus stack (thread) is its own call stack:
 * `PUSH` enters a function, `POP` leaves it, and the time between two events of a stack goes to
 * the functions open on it, as a sample labelled with the stack. Queue waits (`QUEUE_PUSH`,
 * `QUEUE_POP`) and `START`/`STOP` are not run time and are skipped.
 */
export class PapyrusParser {
  private readonly frames = new FrameTable()
  private readonly ids = new Map<string, number>()
  private readonly builder = new SamplesBuilder(1)
  private readonly stacks = new Map<string, StackState>()
  private start: number | undefined
  private end = 0
  private unmatched = 0
  private events = 0

  readonly line = (line: string, lineNo: number): void => {
    if (line.trim() === '' || / log opened\b/.test(line) || line.trim() === 'Log closed') return
    const m = EVENT.exec(line.trim())
    if (!m) fail(`not a profiler event 'time:EVENT:stack:…': ${quote(line)}`, lineNo)
    const at = Number(m[1])
    if (!Number.isSafeInteger(at)) fail(`time out of range: ${m[1]}`, lineNo)
    this.start ??= at
    this.end = Math.max(this.end, at)
    this.events++
    const event = m[2]
    if (event !== 'PUSH' && event !== 'POP') return
    if (m[6] === undefined || m[6] === '') fail(`a ${event} without a function name`, lineNo)
    const stack = this.stack(m[3], at)
    // The time since this stack's last event was spent in the functions open on it.
    this.spend(stack, at)
    const frame = this.frame(m[6])
    if (event === 'PUSH') {
      stack.open.push(frame)
    } else {
      const depth = stack.open.lastIndexOf(frame)
      if (depth >= 0) {
        stack.open.length = depth
      } else if (!stack.seen) {
        // Popped before anything else happened on its stack: it ran since the log began.
        if (at > this.start) this.builder.addStack([frame], [at - this.start], stack.labels, 0)
      } else {
        this.unmatched++
      }
    }
    stack.seen = true
  }

  finish(): Profile[] {
    if (this.events === 0) fail('no profiler events')
    // Functions still running when the log closed ran until its last event.
    for (const stack of this.stacks.values()) this.spend(stack, this.end)
    const meta = newMeta(FORMAT)
    if (this.unmatched > 0) {
      meta.notes.push(
        `papyrus: ${this.unmatched} POP event(s) of functions entered before the log began (their time before is unknown) are skipped`,
      )
    }
    return [
      {
        metrics: [{ name: 'time', unit: 'milliseconds' }],
        defaultMetric: 0,
        frames: this.frames,
        samples: this.builder.finish(),
        meta,
      },
    ]
  }

  private spend(stack: StackState, at: number): void {
    if (stack.open.length > 0 && at > stack.last) {
      this.builder.addStack(
        stack.open,
        [at - stack.last],
        stack.labels,
        (stack.last - this.start!) * 1e6,
      )
    }
    stack.last = at
  }

  private stack(id: string, at: number): StackState {
    let stack = this.stacks.get(id)
    if (!stack) {
      stack = { labels: [{ key: 'stack', str: id }], open: [], last: at, seen: false }
      this.stacks.set(id, stack)
    }
    return stack
  }

  private frame(name: string): number {
    let id = this.ids.get(name)
    if (id === undefined) {
      // `Script..Function`: the script is the function's module.
      const dots = name.indexOf('..')
      id = this.frames.intern(
        dots > 0 ? { name: name.slice(dots + 2), module: name.slice(0, dots) } : { name },
      )
      this.ids.set(name, id)
    }
    return id
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)
}

function fail(reason: string, line?: number): never {
  throw new ProfconvError(FORMAT, reason, line === undefined ? {} : { line })
}
