import type { ByteOut } from './byte-out.js'
import type { Samples } from '@profconv/model'

/** What `writeFlameEvents` left out: samples without a stack, their cost and all samples'. */
export interface FlameEventsWritten {
  stackless: number
  stacklessCost: number
  allCost: number
}

/** An `X` event's bytes besides its frame's: the times and the duration's key. */
const EVENT_ROOM = 64

/**
 * Writes the samples as `X` events, one flame chart: consecutive samples sharing the start of
 * their stacks keep those frames open, so every frame becomes one event per stretch of time it
 * stayed on the stack. Sample `i` starts at `starts[i]` µs (`SampleTimeline.starts`: a gap
 * between samples closes every frame) and lasts `values[i] * scale` µs.
 *
 * Frame `f`'s event text after the times (`,"name":…}`), followed by the next event's text up to
 * its start (`,{"ph":"X",…,"ts":`), is `out`'s dictionary from `frameAt[f]` to `frameAt[f + 1]`:
 * the caller writes the first event's opening before and takes the last one back after.
 *
 * All its state is in local variables and typed arrays sized once (the deepest stack): this
 * loop writes a gigabyte for a million samples (8M events).
 */
export function writeFlameEvents(
  out: ByteOut,
  samples: Samples,
  values: Float64Array,
  starts: Float64Array,
  scale: number,
  frameAt: Int32Array,
): FlameEventsWritten {
  const { parent, frame } = samples.tree.allColumns()
  const stacks = samples.stack
  const deepest = depthOfDeepest(parent) + 1
  // The open frames, outermost first: each one's stack-tree node and start (µs); `open` of
  // them. The sample's path, leaf first.
  const openNode = new Int32Array(deepest)
  const openStart = new Float64Array(deepest)
  const path = new Int32Array(deepest)
  let open = 0
  let cursor = 0
  let stackless = 0
  let stacklessCost = 0
  let allCost = 0
  for (let i = 0; i < stacks.length; i++) {
    const value = values[i]
    if (!(value > 0)) continue
    allCost += value
    const leaf = stacks[i]
    if (leaf < 0) {
      stackless++
      stacklessCost += value
    }
    const at = starts[i]
    if (at > cursor) {
      closeFrames(out, openNode, openStart, frame, frameAt, 0, open, round(cursor))
      open = 0
    }
    // The path from the sample's leaf to the root; its frames from the root on that are open
    // already stay open.
    let depth = 0
    for (let node = leaf; node >= 0; node = parent[node]) path[depth++] = node
    let same = 0
    while (same < open && same < depth && openNode[same] === path[depth - 1 - same]) same++
    if (same < open) closeFrames(out, openNode, openStart, frame, frameAt, same, open, round(at))
    const start = round(at)
    for (let d = same; d < depth; d++) {
      openNode[d] = path[depth - 1 - d]
      openStart[d] = start
    }
    open = depth
    cursor = at + value * scale
  }
  closeFrames(out, openNode, openStart, frame, frameAt, 0, open, round(cursor))
  return { stackless, stacklessCost, allCost }
}

/**
 * Writes the events of the open frames `from` to `to` (outer first: readers place the first of
 * two events with the same start and end outside the second), all ending at `end`. Frames
 * opened together share their times: their text is written once and copied for the next ones.
 */
function closeFrames(
  out: ByteOut,
  openNode: Int32Array,
  openStart: Float64Array,
  frameOfNode: Int32Array,
  frameAt: Int32Array,
  from: number,
  to: number,
  end: number,
): void {
  let timesOf = NaN
  let timesFrom = 0
  let timesTo = 0
  for (let d = from; d < to; d++) {
    const start = openStart[d]
    const frame = frameOfNode[openNode[d]]
    const textFrom = frameAt[frame]
    const textTo = frameAt[frame + 1]
    out.room(EVENT_ROOM + textTo - textFrom)
    if (start !== timesOf || !out.repeat(timesFrom, timesTo)) {
      timesFrom = out.position
      out.fixed3(start)
      out.durKey()
      out.fixed3(end - start)
      timesTo = out.position
      timesOf = start
    }
    out.copy(textFrom, textTo)
  }
}

/** The depth of the deepest node (a root is 0); a parent's id is below its children's. */
function depthOfDeepest(parent: Int32Array): number {
  const depth = new Int32Array(parent.length)
  let deepest = 0
  for (let node = 0; node < parent.length; node++) {
    const up = parent[node]
    const d = up >= 0 ? depth[up] + 1 : 0
    depth[node] = d
    if (d > deepest) deepest = d
  }
  return deepest
}

/** Microsecond times to 3 decimals (nanoseconds), without float noise in the text. */
function round(us: number): number {
  return Math.round(us * 1000) / 1000
}
