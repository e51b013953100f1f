// Dogfood: the hot spots of a `node --cpu-prof` profile, read by profconv's own cpuprofile
// reader. `node scripts/bench/hot.mjs <file.cpuprofile> [count]` prints the functions with the
// most self time, and their inclusive time.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const { readInput } = await import(join(ROOT, 'packages/core/dist/index.js'))
const { graphOf } = await import(join(ROOT, 'packages/model/dist/index.js'))
const [file, count = '25'] = process.argv.slice(2)
const [profile] = readInput(new Uint8Array(readFileSync(file)), { fileName: file }).profiles
const graph = graphOf(profile)
const m = profile.defaultMetric
const all = graph.nodes.reduce((sum, n) => sum + n.self[m], 0)
const rows = [...graph.nodes].sort((a, b) => b.self[m] - a.self[m]).slice(0, Number(count))
const pct = (v) => `${((100 * v) / all).toFixed(1).padStart(5)}%`
console.log(' self   total  function')
for (const n of rows) {
  const f = profile.frames.get(n.frame)
  const where = f.file ? ` ${f.file.split('/').slice(-2).join('/')}:${f.line ?? ''}` : ''
  console.log(`${pct(n.self[m])} ${pct(n.total[m])}  ${f.name || '(anonymous)'}${where}`)
}
