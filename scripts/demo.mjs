// The README's first command ends here: converts a real cProfile output bundled in test-data
// (scripts/fixtures-pstats.sh made it) into a gprof2dot-style call graph, as dot and as SVG
// (rendered by graphviz-cli's bundled Graphviz, so no system install is needed).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const out = join(root, 'out')
mkdirSync(out, { recursive: true })
const input = join(root, 'test-data/pstats/recursion.prof')
const dot = join(out, 'callgraph.dot')
const svg = join(out, 'callgraph.svg')
const profconv = join(root, 'packages/cli/bin/profconv.js')
execFileSync('node', [profconv, input, '-t', 'dot', '-o', dot], { stdio: 'inherit' })
execFileSync(join(root, 'node_modules/.bin/graphviz'), ['-Tsvg', `-o${svg}`, dot], { stdio: 'inherit' })
const boxes = readFileSync(dot, 'utf8').match(/label="[^"]*"/g) ?? []
console.log(`profconv ${input} -t dot -o ${dot}`)
console.log(`call graph: ${boxes.length} boxes and arrows, e.g. ${boxes.find((l) => l.includes('fib'))}`)
console.log(`rendered: ${svg}`)
