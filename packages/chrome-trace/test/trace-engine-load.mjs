// Loads a trace in Chrome DevTools' trace engine (@paulirish/trace_engine) and prints what it
// made of it: the threads it found (pid, tid, name) and the number of trace events per thread.
// usage: node test/trace-engine-load.mjs TRACE
import { analyzeTrace } from '@paulirish/trace_engine/analyze-trace.mjs'

const { parsedTrace } = await analyzeTrace(process.argv[2])
const data = parsedTrace.data ?? parsedTrace
const meta = data.Meta
const threads = []
for (const [pid, byTid] of meta.threadsInProcess ?? new Map()) {
  for (const [tid, event] of byTid) threads.push({ pid, tid, name: event.args?.name })
}
const complete = data.Renderer?.allTraceEntries?.length ?? 0
console.log(JSON.stringify({ threads, traceBounds: meta.traceBounds, entries: complete }))
