#!/usr/bin/env node
// Regenerates the real fixtures of the sample formats (issue 5):
//   test-data/cpuprofile/workload.cpuprofile   node --cpu-prof of test-data/cpuprofile/workload.js
//   test-data/folded/perf-script.txt           perf record -g + perf script of test-data/folded/workload.c
//   test-data/folded/perf.folded               that output folded by scripts/fold-perf-script.mjs
//   test-data/speedscope/*.speedscope.json     the speedscope app's own Export of those files,
//                                              driven in headless Chromium (packages/interop/test/speedscope-app.mjs)
// Needs: node, gcc, perf (Debian linux-perf), chromium; run from anywhere: node scripts/fixtures-speedscope.mjs
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const data = (rel) => join(root, 'test-data', rel)
const tmp = mkdtempSync(join(tmpdir(), 'profconv-fixtures-'))
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'], ...opts })

// 1. node --cpu-prof of a real script (sampling every 250 µs to keep the file small).
sh('node', ['--cpu-prof', `--cpu-prof-dir=${tmp}`, '--cpu-prof-name=workload.cpuprofile',
  '--cpu-prof-interval', '250', data('cpuprofile/workload.js')])
writeFileSync(data('cpuprofile/workload.cpuprofile'), readFileSync(join(tmp, 'workload.cpuprofile')))

// 2. perf record of a small C program, perf script, folded by our script.
const exe = join(tmp, 'workload')
sh('gcc', ['-O0', '-g', '-fno-omit-frame-pointer', '-o', exe, data('folded/workload.c')])
try {
  sh('perf', ['record', '-q', '-F', '499', '-g', '-o', join(tmp, 'perf.data'), exe])
  const script = sh('perf', ['script', '-i', join(tmp, 'perf.data')], { maxBuffer: 1 << 28 })
  writeFileSync(data('folded/perf-script.txt'), script)
  writeFileSync(data('folded/perf.folded'),
    sh('node', [join(root, 'scripts/fold-perf-script.mjs')], { input: script }))
} catch (error) {
  console.error(`perf record failed here (${error.message}); kept the committed perf fixtures`)
}

// 3. The speedscope app's own export of each of those files.
const { withSpeedscopeApp } = await import(join(root, 'packages/interop/test/speedscope-app.mjs'))
const exports = {
  'workload.cpuprofile': 'workload-cpuprofile.speedscope.json',
  'perf-script.txt': 'perf-script.speedscope.json',
  'perf.folded': 'perf-folded.speedscope.json',
}
const files = {
  'workload.cpuprofile': readFileSync(data('cpuprofile/workload.cpuprofile')),
  'perf-script.txt': readFileSync(data('folded/perf-script.txt')),
  'perf.folded': readFileSync(data('folded/perf.folded')),
}
await withSpeedscopeApp(files, async ({ page, open, errors }) => {
  for (const [input, output] of Object.entries(exports)) {
    await open(input)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export')])
    await download.saveAs(data(`speedscope/${output}`))
    if (errors.length > 0) throw new Error(`speedscope app errors: ${errors.join('; ')}`)
  }
})
rmSync(tmp, { recursive: true, force: true })
for (const dir of ['cpuprofile', 'folded', 'speedscope']) {
  for (const f of readdirSync(data(dir))) console.log(`test-data/${dir}/${f}`)
}
