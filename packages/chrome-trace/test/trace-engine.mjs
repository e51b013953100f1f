// Reads a trace with Chrome DevTools' own trace engine (@paulirish/trace_engine) and prints, per
// V8 CPU profile (pid, tid), each function's sample count and time (a sample lasts until the next
// one's timestamp, as DevTools' CPUProfileDataModel lays them out), as JSON on stdout.
// usage: node test/trace-engine.mjs TRACE
import { analyzeTrace } from '@paulirish/trace_engine/analyze-trace.mjs'

const { parsedTrace } = await analyzeTrace(process.argv[2])
const samples = (parsedTrace.data ?? parsedTrace).Samples
const out = []
for (const [pid, threads] of samples.profilesInProcess) {
  for (const [tid, profile] of threads) {
    const model = profile.parsedProfile
    const count = {}
    const time = {}
    const stamps = model.timestamps
    model.samples.forEach((id, i) => {
      const node = model.nodeById(id)
      if (!node || node.callFrame.functionName === '(root)') return
      const name = node.callFrame.functionName || '(anonymous)'
      count[name] = (count[name] ?? 0) + 1
      // timestamps are in milliseconds
      const next = i + 1 < stamps.length ? stamps[i + 1] : stamps[i]
      time[name] = (time[name] ?? 0) + (next - stamps[i]) * 1000
    })
    out.push({ pid: String(pid), tid: String(tid), samples: model.samples.length, count, time })
  }
}
console.log(JSON.stringify(out))
