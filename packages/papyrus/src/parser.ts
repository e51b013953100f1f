import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  newMeta,
  type Label,
  type Profile,
  type Samples,
} from '@profconv/model'

export const FORMAT = 'papyrus'

/** `50018:PUSH:3185:3:None:abc_quest..exampleFunction1` (time ms, event, stack, depth, form, name) */
const EVENT = /^(\d+):([A-Z_]+):(\d+)(?::([^:]*):([^:]*):(.*))?$/

/**
 * Frame ids from here on stand for functions not (yet) known: one id per place on a stack that
 * a function entered before the log began (or not logged) holds, until its `POP` names it.
 */
const UNKNOWN = 1 << 30

/** Deepest stack position read (Papyrus stacks are shallow; this bounds hostile input). */
const MAX_DEPTH = 1000

/** Most unknown callers in one log (real logs have a few per stack; this bounds hostile input). */
const MAX_UNKNOWN = 1 << 21

interface StackState {
  readonly labels: readonly Label[]
  /** Frames open on this stack by depth (0 the outermost); `UNKNOWN + k` for unknown ones. */
  readonly open: number[]
  /** Time of this stack's last event (ms). */
  last: number
  seen: boolean
}

/**
 * Reads the log of the Papyrus script profiler (Skyrim, Fallout 4: `StartPapyrusScriptProfile`,
 * `StartStackProfiling`): after a `… log opened` line, one event per line, `time:EVENT:stack
 * :depth:form:Script..Function`, time in ms. Each Papyrus stack (thread) is its own call stack:
 * `PUSH` enters a function at `depth` (0 the outermost), `POP` leaves it, and the time between
 * two events of a stack goes to the functions open on it, as a sample labelled with the stack.
 * A `PUSH` at depth d over an empty place d - 1 means a caller entered before the log began (or
 * not logged): it stays unknown until a `POP` at its depth names it, and the samples taken under
 * it get it then; callers never named are left out of the stacks (their callees' time stays).
 * Queue waits (`QUEUE_PUSH`, `QUEUE_POP`) and `START`/`STOP` are not run time and are skipped.
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
  /** The function each unknown place turned out to hold (`-1`: never named). */
  private readonly named: number[] = []

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
    const depth = Number(m[4])
    if (!/^\d+$/.test(m[4]!) || depth > MAX_DEPTH)
      fail(
        `the depth of a ${event} must be a whole number up to ${MAX_DEPTH}: ${quote(m[4]!)}`,
        lineNo,
      )
    const stack = this.stack(m[3], at)
    const frame = this.frame(m[6])
    const open = stack.open
    if (event === 'POP' && !stack.seen && depth >= open.length) {
      // Popped before anything else happened on its stack: it (over unknown callers) ran since
      // the log began.
      this.fill(open, depth, lineNo)
      open.push(frame)
      stack.last = this.start
    }
    // The time since this stack's last event was spent in the functions open on it.
    this.spend(stack, at)
    stack.seen = true
    if (event === 'PUSH') {
      // Functions at this depth or deeper returned without a POP in the log.
      if (open.length > depth) open.length = depth
      this.fill(open, depth, lineNo)
      open.push(frame)
    } else if (open[depth] === frame) {
      open.length = depth
    } else if (open[depth] >= UNKNOWN && this.named[open[depth] - UNKNOWN] === -1) {
      // The caller entered before the log began, named by its POP.
      this.named[open[depth] - UNKNOWN] = frame
      open.length = depth
    } else {
      // Out of step with the depths: leave the innermost open entry of this function, if any.
      const index = open.lastIndexOf(frame)
      if (index >= 0) open.length = index
      else this.unmatched++
    }
  }

  /** Unknown functions at the empty places of `open` below `depth`. */
  private fill(open: number[], depth: number, lineNo: number): void {
    if (this.named.length + depth - open.length > MAX_UNKNOWN)
      fail(`more than ${MAX_UNKNOWN} callers entered before the log began or not logged`, lineNo)
    while (open.length < depth) open.push(UNKNOWN + this.named.push(-1) - 1)
  }

  finish(): Profile[] {
    if (this.events === 0) fail('no profiler events')
    // Functions still running when the log closed ran until its last event.
    for (const stack of this.stacks.values()) this.spend(stack, this.end)
    const meta = newMeta(FORMAT)
    if (this.unmatched > 0) {
      meta.notes.push(
        `papyrus: ${this.unmatched} POP event(s) of functions not open on their stack at their depth are skipped`,
      )
    }
    let samples = this.builder.finish()
    if (this.named.length > 0) samples = this.name(samples, meta.notes)
    return [
      {
        metrics: [{ name: 'time', unit: 'milliseconds' }],
        defaultMetric: 0,
        frames: this.frames,
        samples,
        meta,
      },
    ]
  }

  /**
   * The samples with each unknown function replaced by the one its POP named, or left out of
   * the stack when none did (its callees keep their time; a sample of unknown functions only
   * is dropped: the log says nothing of what ran).
   */
  private name(samples: Samples, notes: string[]): Samples {
    const { tree } = samples
    const map = new Int32Array(tree.length)
    const named = new StackTree()
    for (let n = 0; n < tree.length; n++) {
      const parent = tree.parent(n) < 0 ? -1 : map[tree.parent(n)]
      let frame = tree.frame(n)
      if (frame >= UNKNOWN) frame = this.named[frame - UNKNOWN]
      map[n] = frame < 0 ? parent : named.child(parent, frame)
    }
    const builder = new SamplesBuilder(1, named)
    const { stack, values, labels, time } = samples
    let dropped = 0
    for (let i = 0; i < stack.length; i++) {
      const node = map[stack[i]]
      if (node >= 0) builder.add(node, [values[0][i]], labels?.[i], time?.[i])
      else dropped += values[0][i]
    }
    const unnamed = this.named.filter((f) => f === -1).length
    if (unnamed > 0)
      notes.push(
        `papyrus: ${unnamed} caller(s) entered before the log began or not logged (by depth) were never named by a POP and are left out of the stacks${dropped > 0 ? `; ${dropped} ms when only they were running are not counted` : ''}`,
      )
    return builder.finish()
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
