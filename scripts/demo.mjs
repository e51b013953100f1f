// The README's first command ends here: converts a real cProfile output bundled in test-data
// (scripts/fixtures-pstats.sh made it) into a gprof2dot-style call graph, as dot and as SVG
// (`-t svg` renders in-process with Graphviz compiled to WebAssembly: no system install).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const out = join(root, 'out')
mkdirSync(out, { recursive: true })
const input = join(root, 'test-data/pstats/recursion.prof')
const profconv = join(root, 'packages/cli/bin/profconv.js')
for (const format of ['dot', 'svg']) {
  const file = join(out, `callgraph.${format}`)
  execFileSync('node', [profconv, input, '-t', format, '-o', file], { stdio: 'inherit' })
  console.log(`profconv ${input} -t ${format} -o ${file}`)
}
const boxes = readFileSync(join(out, 'callgraph.dot'), 'utf8').match(/label="[^"]*"/g) ?? []
console.log(
  `call graph: ${boxes.length} boxes and arrows, e.g. ${boxes.find((l) => l.includes('fib'))}`,
)
