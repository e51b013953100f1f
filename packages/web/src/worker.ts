/**
 * The page's conversion worker: every reader and writer of profconv runs here, off the page's
 * thread, on the files the page hands over (File objects: nothing is uploaded anywhere).
 * Requests are handled one at a time, in order.
 */
import {
  convertInputs,
  describe,
  errorText,
  formatList,
  viewData,
  type FormatInfo,
  type Input,
  type Output,
} from './session.js'
import type { ProfileData, ReportSettings } from '@profconv/html'

/** What the page asks. */
export type Request =
  | { type: 'add'; inputs: Input[] }
  | { type: 'clear' }
  | { type: 'convert'; id: number; to: string; options: Record<string, unknown> }

/** What the worker answers. */
export type Reply =
  | { type: 'formats'; formats: FormatInfo[] }
  /** Bytes read of input `index`, or of every input for a conversion (`index` -1). */
  | { type: 'progress'; index: number; loaded: number; size: number }
  | {
      type: 'file'
      index: number
      format?: string
      info?: string
      error?: string
      /** Not a profile: kept as a source file for `-t list`. */
      source?: boolean
    }
  | { type: 'view'; data?: { profile: ProfileData; settings: ReportSettings }; error?: string }
  | ({ type: 'output'; id: number } & Output)
  | { type: 'failed'; id: number; error: string }

const scope = self as unknown as {
  postMessage(reply: Reply, transfer?: Transferable[]): void
  onmessage: ((e: MessageEvent<Request>) => void) | null
}
const post = (reply: Reply, transfer?: Transferable[]) => scope.postMessage(reply, transfer)

/** The inputs that could be read, in the order they were opened; the others (sources). */
let inputs: Input[] = []
let sources: Input[] = []
let opened = 0

/** Progress at most once per percent (a 100 MB file is read in thousands of chunks). */
function progressOf(index: (i: number) => number) {
  let last = -1
  return (i: number, loaded: number, size: number) => {
    const percent = size > 0 ? Math.floor((100 * loaded) / size) : 100
    if (percent === last) return
    last = percent
    post({ type: 'progress', index: index(i), loaded, size })
  }
}

async function handle(request: Request): Promise<void> {
  if (request.type === 'clear') {
    inputs = []
    sources = []
    opened = 0
    return
  }
  if (request.type === 'add') {
    let lastProfiles
    for (const input of request.inputs) {
      const index = opened++
      const progress = progressOf(() => index)
      const result = await describe(input, (loaded, size) => progress(0, loaded, size))
      if (result.ok) {
        inputs.push(input)
        lastProfiles = result.profiles
        post({ type: 'file', index, format: result.format, info: result.info })
      } else {
        if (result.undetected) sources.push(input)
        post({ type: 'file', index, error: result.error, source: result.undetected })
      }
    }
    if (inputs.length === 0) return
    try {
      post({ type: 'view', data: await viewData(inputs, lastProfiles) })
    } catch (error) {
      post({ type: 'view', error: errorText(error) })
    }
    return
  }
  try {
    const progress = progressOf(() => -1)
    const result = await convertInputs(inputs, request.to, request.options, sources, (l, s) =>
      progress(0, l, s),
    )
    const bytes = result.output instanceof Uint8Array ? [result.output.buffer as ArrayBuffer] : []
    post({ type: 'output', id: request.id, ...result }, bytes)
  } catch (error) {
    post({ type: 'failed', id: request.id, error: errorText(error) })
  }
}

let queue = Promise.resolve()
scope.onmessage = (e) => {
  queue = queue.then(() => handle(e.data))
}
post({ type: 'formats', formats: formatList() })
