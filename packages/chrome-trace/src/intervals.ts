import type { SamplesBuilder } from '@profconv/model'

/** Closed duration events of one thread: [start, end] in µs, frame, file order. */
export interface Intervals {
  start: number[]
  end: number[]
  frame: number[]
  seq: number[]
}

/** B/E events of one thread: time, +1 for B or -1 for E, frame (B only), file order. */
export interface Marks {
  ts: number[]
  kind: number[]
  frame: number[]
  seq: number[]
}

/**
 * Turns one thread's duration events into samples: B/E pairs are matched (an `E` closes the
 * innermost open `B`, in time order), then every interval is placed under the innermost one
 * that contains it, and each stretch of time goes to the stack open during it, weighted by its
 * length in µs, with its time in ns since `origin`. So a name's self time is the time it was
 * the innermost open event, and its total the time it was open at all (exactly). Returns the
 * thread's time span; oddities (unmatched `E`, `B` never closed, an event ending after its
 * parent) are counted in `notes`.
 */
export function durationSamples(
  thread: { marks: Marks; intervals: Intervals },
  builder: SamplesBuilder,
  origin: number,
  notes: string[],
): number {
  const { marks, intervals } = thread
  let first = Infinity
  let last = -Infinity
  for (const t of marks.ts) {
    if (t < first) first = t
    if (t > last) last = t
  }
  for (let i = 0; i < intervals.start.length; i++) {
    if (intervals.start[i] < first) first = intervals.start[i]
    if (intervals.end[i] > last) last = intervals.end[i]
  }
  if (!Number.isFinite(first)) return 0

  // B/E in time order (stable: events of one time keep file order), matched as a stack.
  const m = marks.ts.length
  let sorted = true
  for (let i = 1; i < m && sorted; i++) sorted = marks.ts[i - 1] <= marks.ts[i]
  const byTime = new Uint32Array(m)
  for (let i = 0; i < m; i++) byTime[i] = i
  if (!sorted) byTime.sort((a, b) => marks.ts[a] - marks.ts[b] || a - b)
  const open: number[] = []
  let unmatched = 0
  for (const i of byTime) {
    if (marks.kind[i] > 0) {
      open.push(i)
    } else if (open.length === 0) {
      unmatched++
    } else {
      const b = open.pop()!
      addInterval(intervals, marks.ts[b], marks.ts[i], marks.frame[b], marks.seq[b])
    }
  }
  if (unmatched > 0) notes.push(`${unmatched} 'E' event(s) without an open 'B' were left out`)
  if (open.length > 0) {
    notes.push(`${open.length} 'B' event(s) never ended: closed at the thread's last event`)
    for (const b of open) addInterval(intervals, marks.ts[b], last, marks.frame[b], marks.seq[b])
  }

  // Outer intervals first: by start, longer first, then file order.
  const n = intervals.start.length
  const start = Float64Array.from(intervals.start)
  const end = Float64Array.from(intervals.end)
  const seq = Float64Array.from(intervals.seq)
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => start[a] - start[b] || end[b] - end[a] || seq[a] - seq[b])

  const tree = builder.tree
  const openEnd: number[] = []
  const openNode: number[] = []
  let cursor = first
  let clipped = 0
  const value = [0]
  const emit = (node: number, from: number, to: number): void => {
    if (!(to > from)) return
    value[0] = to - from
    builder.add(node, value, undefined, (from - origin) * 1000)
  }
  const closeUntil = (t: number): void => {
    for (let top = openEnd.length - 1; top >= 0 && openEnd[top] <= t; top--) {
      emit(openNode[top], cursor, openEnd[top])
      cursor = openEnd[top]
      openEnd.pop()
      openNode.pop()
    }
  }
  for (let k = 0; k < n; k++) {
    const i = order[k]
    const s = start[i]
    let e = end[i]
    closeUntil(s)
    const top = openEnd.length - 1
    if (top >= 0) {
      if (e > openEnd[top]) {
        e = openEnd[top]
        clipped++
      }
      emit(openNode[top], cursor, s)
    }
    cursor = s
    openEnd.push(e)
    openNode.push(tree.child(top >= 0 ? openNode[top] : -1, intervals.frame[i]))
  }
  closeUntil(Infinity)
  if (clipped > 0) {
    notes.push(`${clipped} duration event(s) ended after the event they started in: cut at its end`)
  }
  return last - first
}

function addInterval(
  intervals: Intervals,
  start: number,
  end: number,
  frame: number,
  seq: number,
): void {
  intervals.start.push(start)
  intervals.end.push(end)
  intervals.frame.push(frame)
  intervals.seq.push(seq)
}
