import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  parseJson,
  type Frame,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

const FORMAT = 'pyinstrument'
const TIME = { name: 'wall', unit: 'seconds' }

/**
 * Reads pyinstrument's two JSON outputs:
 *
 * - a saved session (`pyinstrument -r pyisession`, `.pyisession`): the raw samples,
 *   `frame_records` = [[frame info, … root first], seconds], a frame info being
 *   `function\x00file\x00first line`, then `\x01`-separated attributes (`l<line>` the line being
 *   run, `c<class>` the class). Each record is a sample of its stack, the line on the node.
 * - `pyinstrument -r json`: the processed call tree of inclusive seconds (`root_frame` with
 *   `function`, `file_path`, `line_no`, `time`, `children`). A node's own time is its time less
 *   its children's: one sample per node. Noted as processed: pyinstrument has already removed
 *   and merged frames (importlib, `[self]` nodes, repeated calls).
 */
export function readPyinstrument(bytes: Uint8Array, options: ReadOptions = {}): Profile {
  const json = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT) as Record<
    string,
    unknown
  >
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new ProfconvError(FORMAT, 'not a pyinstrument JSON object')
  const meta = newMeta(FORMAT)
  if (typeof json.start_time === 'number' && Number.isFinite(json.start_time))
    meta.startTime = json.start_time * 1e3
  if (typeof json.duration === 'number' && Number.isFinite(json.duration) && json.duration >= 0)
    meta.duration = json.duration * 1e9
  if (typeof json.target_description === 'string') meta.name = json.target_description
  const frames = new FrameTable()
  const samples = new SamplesBuilder(1)
  if (Array.isArray(json.frame_records)) readSession(json.frame_records, frames, samples)
  else if (json.root_frame !== undefined) {
    readTree(json.root_frame, frames, samples)
    meta.notes.push(
      'pyinstrument -r json is a processed call tree (frames already removed, grouped and merged by pyinstrument); read from its inclusive times',
    )
  } else
    throw new ProfconvError(FORMAT, 'neither frame_records (a session) nor root_frame (-r json)')
  return { metrics: [{ ...TIME }], defaultMetric: 0, frames, samples: samples.finish(), meta }
}

function bad(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

function seconds(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return bad(`${what} is not a time`)
  return v
}

function readSession(records: unknown[], frames: FrameTable, samples: SamplesBuilder): void {
  const ids = new Map<string, { frame: number; line: number }>()
  const value = [0]
  records.forEach((record, i) => {
    if (!Array.isArray(record) || record.length !== 2 || !Array.isArray(record[0]))
      bad(`frame record ${i} is not [stack, time]`)
    value[0] = seconds(record[1], `the time of frame record ${i}`)
    let node = -1
    for (const info of record[0] as unknown[]) {
      if (typeof info !== 'string') bad(`frame record ${i} has a frame that is not a string`)
      let id = ids.get(info as string)
      if (!id) ids.set(info as string, (id = parseFrameInfo(info as string, frames)))
      node = samples.tree.child(node, id.frame, id.line)
    }
    samples.add(node, value)
  })
}

/** `function\x00file\x00first line` then `\x01` attributes; `[self]`-style markers are bare names. */
function parseFrameInfo(info: string, frames: FrameTable): { frame: number; line: number } {
  const [identifier, ...attributes] = info.split('\x01')
  const parts = identifier.split('\x00')
  let line = 0
  let className: string | undefined
  for (const a of attributes) {
    if (a.startsWith('l')) line = Number(a.slice(1)) || 0
    else if (a.startsWith('c')) className = a.slice(1)
  }
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = { name: parts[0] }
  if (className) frame.name = `${className}.${parts[0]}`
  if (parts.length >= 2 && parts[1] !== '') frame.file = parts[1]
  const first = parts.length >= 3 ? Number(parts[2]) : NaN
  if (first > 0) frame.line = first
  return { frame: frames.intern(frame), line: line > 0 ? line : 0 }
}

interface TreeNode {
  function?: unknown
  file_path?: unknown
  line_no?: unknown
  time?: unknown
  children?: unknown
  class_name?: unknown
}

function readTree(root: unknown, frames: FrameTable, samples: SamplesBuilder): void {
  if (root === null) return
  // Iterative: a deep tree must not exhaust the stack.
  const work: { node: TreeNode; parent: number }[] = [{ node: root as TreeNode, parent: -1 }]
  const value = [0]
  while (work.length > 0) {
    const { node, parent } = work.pop()!
    if (!node || typeof node !== 'object') bad('a frame of the tree is not an object')
    if (typeof node.function !== 'string') bad('a frame of the tree has no function name')
    const time = seconds(node.time, `the time of ${node.function as string}`)
    const children = Array.isArray(node.children) ? (node.children as TreeNode[]) : []
    const name =
      typeof node.class_name === 'string' && node.class_name !== ''
        ? `${node.class_name}.${node.function as string}`
        : (node.function as string)
    const file =
      typeof node.file_path === 'string' && node.file_path !== '' ? node.file_path : undefined
    const line = typeof node.line_no === 'number' && node.line_no > 0 ? node.line_no : undefined
    const frame = frames.intern(file === undefined ? { name } : { name, file, line })
    const id = samples.tree.child(parent, frame)
    let own = time
    for (const child of children) {
      own -= seconds((child as TreeNode)?.time, 'a child time')
      work.push({ node: child, parent: id })
    }
    // pyinstrument prints times rounded to microseconds: a parent may show a hair less than its children.
    value[0] = own > 1e-6 ? own : 0
    if (value[0] > 0) samples.add(id, value)
  }
}
