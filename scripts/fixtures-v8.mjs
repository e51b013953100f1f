#!/usr/bin/env node
// Regenerates the real fixtures of the V8 / Chrome formats (issue 15):
//   test-data/chrome-trace/node-trace-events.json     node --trace-events-enabled of test-data/cpuprofile/workload.js
//   test-data/chrome-trace/chromium-performance.json.gz  a DevTools-style Performance recording of the same
//                                                     workload in headless Chromium (Tracing through playwright-core,
//                                                     with disabled-by-default-v8.cpu_profiler: Profile/ProfileChunk)
//   test-data/chrome-trace/pyspy-chrometrace.from-docs.json  py-spy's `--format chrometrace` shape, built here
//                                                     from py-spy's src/chrometrace.rs (py-spy cannot run here)
//   test-data/heapprofile/workload-default.heapprofile   node --heap-prof (default 512 KiB interval)
//   test-data/heapprofile/workload-small.heapprofile     node --heap-prof --heap-prof-interval=4096
//   test-data/v8-prof/workload.preprocess.json.gz        node --prof, then node --prof-process --preprocess,
//                                                     code entries no tick refers to and script sources left out
//                                                     (code ids renumbered)
//   test-data/v8-prof/workload.prof-process.txt          node --prof-process of the same log (the oracle)
//   test-data/v8-prof/workload-first-ticks.preprocess.json  its first 20 ticks and their code entries (a small fuzz seed)
// Needs node and chromium; run from anywhere: node scripts/fixtures-v8.mjs
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const data = (rel) => join(root, 'test-data', rel)
const workload = data('cpuprofile/workload.js')
const tmp = mkdtempSync(join(tmpdir(), 'profconv-v8-'))
const sh = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 1 << 30, cwd: tmp, ...opts })

// 1. Node's trace events (B/E/X duration events, async events, metadata).
sh('node', ['--trace-events-enabled', '--trace-event-file-pattern=node-trace.json', workload])
writeFileSync(data('chrome-trace/node-trace-events.json'), readFileSync(join(tmp, 'node-trace.json')))

// 2. A Performance recording in headless Chromium: the categories DevTools records with.
const require = createRequire(join(root, 'packages/interop/package.json'))
const { chromium } = require('playwright-core')
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
})
const page = await browser.newPage()
const script = readFileSync(workload, 'utf8').replace(/^console\.log.*$/m, '')
await page.setContent(`<html><body><script>${script}</script></body></html>`)
const tracePath = join(tmp, 'performance.json')
await browser.startTracing(page, {
  path: tracePath,
  categories: [
    '__metadata',
    'devtools.timeline',
    'disabled-by-default-devtools.timeline',
    'v8.execute',
    'disabled-by-default-v8.cpu_profiler',
    'blink.user_timing',
  ],
})
await page.evaluate(() => {
  const s = document.createElement('script')
  s.textContent = 'main()'
  document.body.appendChild(s)
})
await browser.stopTracing()
await browser.close()
const trace = JSON.parse(readFileSync(tracePath, 'utf8'))
// The machine description (hardware, net constants) is left out; the events are as recorded.
writeFileSync(
  data('chrome-trace/chromium-performance.json.gz'),
  gzipSync(JSON.stringify({ traceEvents: trace.traceEvents }), { level: 9 }),
)

// 3. py-spy's chrometrace shape (src/chrometrace.rs): a JSON array of B/E events per thread,
// args {filename, line}, a thread_name M event per thread, E events for frames a sample left.
const pyStacks = [
  ['<module> (app.py:1)', 'main (app.py:20)', 'parse (app.py:8)'],
  ['<module> (app.py:1)', 'main (app.py:20)', 'parse (app.py:8)', 'lex (lex.py:3)'],
  ['<module> (app.py:1)', 'main (app.py:20)', 'parse (app.py:8)', 'lex (lex.py:3)'],
  ['<module> (app.py:1)', 'main (app.py:20)', 'render (app.py:30)'],
  ['<module> (app.py:1)', 'main (app.py:20)', 'parse (app.py:8)'],
]
const pyFrame = (text) => {
  const [, name, filename, line] = /^(.*) \((.*):(\d+)\)$/.exec(text)
  return { name, filename, line: Number(line) }
}
const pyEvents = [
  { args: { filename: '', line: null, name: '4242: MainThread' }, cat: 'py-spy', name: 'thread_name', ph: 'M', pid: 4242, tid: 0, ts: 0 },
]
const pyEvent = (f, ph, ts) => ({
  args: { filename: f.filename, line: f.line }, cat: 'py-spy', name: f.name, ph, pid: 4242, tid: 0, ts,
})
let previous = []
pyStacks.forEach((stack, i) => {
  const ts = 1000 + i * 10000
  const frames = stack.map(pyFrame)
  let same = 0
  while (same < previous.length && same < frames.length && previous[same].name === frames[same].name &&
    previous[same].filename === frames[same].filename && previous[same].line === frames[same].line) same++
  for (const f of previous.slice(same).reverse()) pyEvents.push(pyEvent(f, 'E', ts))
  for (const f of frames.slice(same)) pyEvents.push(pyEvent(f, 'B', ts))
  previous = frames
})
// py-spy closes what is still open root first, as its write() does.
for (const f of previous) pyEvents.push(pyEvent(f, 'E', 1000 + pyStacks.length * 10000))
writeFileSync(data('chrome-trace/pyspy-chrometrace.from-docs.json'), JSON.stringify(pyEvents) + '\n')

// 4. Sampling heap profiles.
for (const [name, extra] of [['default', []], ['small', ['--heap-prof-interval=4096']]]) {
  sh('node', ['--heap-prof', `--heap-prof-dir=${tmp}`, `--heap-prof-name=${name}.heapprofile`, ...extra, workload])
  writeFileSync(data(`heapprofile/workload-${name}.heapprofile`), readFileSync(join(tmp, `${name}.heapprofile`)))
}

// 5. V8's tick log, preprocessed, and --prof-process's own report of it.
sh('node', ['--prof', '--logfile=v8.log', '--no-logfile-per-isolate', workload])
const log = join(tmp, 'v8.log')
writeFileSync(data('v8-prof/workload.prof-process.txt'), sh('node', ['--prof-process', log]))
const pre = JSON.parse(sh('node', ['--prof-process', '--preprocess', log]).toString())
// Keep the code entries ticks refer to (the rest are the node binary's 40,000+ C++ symbols).
const used = new Set()
for (const tick of pre.ticks) for (let i = 0; i < tick.s.length; i += 2) if (tick.s[i] >= 0) used.add(tick.s[i])
const newId = new Map([...used].sort((a, b) => a - b).map((id, i) => [id, i]))
const code = [...newId.keys()].map((id) => pre.code[id])
const functions = pre.functions.map((f) => ({ ...f, codes: f.codes.filter((c) => newId.has(c)).map((c) => newId.get(c)) }))
const ticks = pre.ticks.map((t) => ({ ...t, s: t.s.map((v, i) => (i % 2 === 0 && v >= 0 ? newId.get(v) : v)) }))
writeFileSync(
  data('v8-prof/workload.preprocess.json.gz'),
  // Scripts keep id and url; their sources (node's own internals, 1.4 MB) are left out.
  gzipSync(JSON.stringify({ code, functions, ticks, scripts: pre.scripts.map((s) => s && { id: s.id, url: s.url, name: s.name }) }), { level: 9 }),
)
// A small seed for the fuzz suite: the first 20 ticks and the code entries they use.
writeFileSync(data('v8-prof/workload-first-ticks.preprocess.json'), JSON.stringify(firstTicks({ code, functions, ticks }, 20)))
rmSync(tmp, { recursive: true, force: true })

function firstTicks(pre, n) {
  const ticks = pre.ticks.slice(0, n)
  const ids = [...new Set(ticks.flatMap((t) => t.s.filter((v, i) => i % 2 === 0 && v >= 0)))].sort((a, b) => a - b)
  const id = new Map(ids.map((old, i) => [old, i]))
  return {
    code: ids.map((i) => ({ ...pre.code[i], func: undefined, source: undefined })),
    functions: [],
    ticks: ticks.map((t) => ({ ...t, s: t.s.map((v, i) => (i % 2 === 0 && v >= 0 ? id.get(v) : v)) })),
  }
}
console.log('fixtures written under test-data/{chrome-trace,heapprofile,v8-prof}')
