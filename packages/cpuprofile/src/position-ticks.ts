/** A node's `positionTicks`: ticks per 1-based source line while the node was the top frame. */
export interface LineTicks {
  readonly line: number[]
  readonly ticks: number[]
}

/** `positionTicks` as columns, or undefined when it is not a list of `{line, ticks}` counts. */
export function lineTicks(value: unknown): LineTicks | undefined {
  if (!Array.isArray(value)) return undefined
  const out: LineTicks = { line: [], ticks: [] }
  for (const entry of value as { line?: unknown; ticks?: unknown }[]) {
    if (typeof entry !== 'object' || entry === null) return undefined
    const { line, ticks } = entry
    if (!Number.isSafeInteger(line) || !Number.isSafeInteger(ticks)) return undefined
    if ((line as number) < 0 || (ticks as number) < 0) return undefined
    if (ticks === 0) continue
    out.line.push(line as number)
    out.ticks.push(ticks as number)
  }
  return out
}

/** Each sample's line (0 unknown), and how many nodes had more ticks than samples. */
export interface SampleLines {
  readonly line: Int32Array
  readonly scaledNodes: number
}

/**
 * The line of every sample from its node's ticks: a node with S samples and ticks t per line
 * gets t samples at each line (scaled down to S in proportion, largest remainders first, when
 * the ticks add up to more) and the rest at line 0. Each line's samples are spread evenly over
 * the node's samples in time order (`order`), so each line's share of the node's time follows
 * its share of the ticks; V8 does not record which sample was at which line.
 */
export function sampleLines(
  samples: readonly number[],
  order: Int32Array,
  ticksOf: ReadonlyMap<number, LineTicks>,
): SampleLines {
  // The node's samples in time order.
  const byNode = new Map<number, number[]>()
  for (const i of order) {
    if (!ticksOf.has(samples[i])) continue
    let list = byNode.get(samples[i])
    if (!list) byNode.set(samples[i], (list = []))
    list.push(i)
  }
  const line = new Int32Array(samples.length)
  let scaledNodes = 0
  for (const [id, list] of byNode) {
    const { line: lines, ticks } = ticksOf.get(id)!
    const counts = fitCounts(ticks, list.length)
    if (counts !== ticks) scaledNodes++
    // Slot k of line j sits at (k + 0.5) / count_j of the way; samples take slots in order.
    const position: number[] = []
    const lineOfSlot: number[] = []
    counts.forEach((count, j) => {
      for (let k = 0; k < count; k++) {
        position.push((k + 0.5) / count)
        lineOfSlot.push(lines[j])
      }
    })
    const rest = list.length - position.length
    for (let k = 0; k < rest; k++) {
      position.push((k + 0.5) / rest)
      lineOfSlot.push(0)
    }
    const slots = position.map((_, s) => s).sort((a, b) => position[a] - position[b] || a - b)
    slots.forEach((slot, k) => (line[list[k]] = lineOfSlot[slot]))
  }
  return { line, scaledNodes }
}

/** `ticks` itself when they add up to at most `samples`, else scaled down to add up to it. */
function fitCounts(ticks: number[], samples: number): number[] {
  const sum = ticks.reduce((a, b) => a + b, 0)
  if (sum <= samples) return ticks
  const exact = ticks.map((t) => (t * samples) / sum)
  const counts = exact.map(Math.floor)
  let left = samples - counts.reduce((a, b) => a + b, 0)
  const byRemainder = exact
    .map((_, j) => j)
    .sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b)
  for (const j of byRemainder) {
    if (left-- <= 0) break
    counts[j]++
  }
  return counts
}

/** The notes of lines read from `positionTicks`. */
export function lineNotes(scaledNodes: number): string[] {
  const notes = [
    'cpuprofile positionTicks count ticks per line, not which sample was at which line: each ' +
      "node's samples are spread evenly over its lines (sample counts per line exact, time per line estimated)",
  ]
  if (scaledNodes > 0)
    notes.push(
      `${scaledNodes} cpuprofile node(s) have more positionTicks than samples: their line counts were scaled down to their samples`,
    )
  return notes
}
