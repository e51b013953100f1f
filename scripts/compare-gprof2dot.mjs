// Draws gprof2dot's own example files (its tests/<format>/*.<format>) with gprof2dot and with
// profconv, both with default thresholds, and prints how far the two drawings agree:
//
//   node scripts/compare-gprof2dot.mjs /path/to/gprof2dot [--details] [--json out.json]
//
// The checkout is never part of this repository (gprof2dot is LGPL); export one to /tmp, e.g.
// `git --git-dir=/work/.mirror/jrfonseca+gprof2dot/repo archive HEAD | tar -x -C /tmp/g2d`.
// Both dot outputs are parsed: each box's name, total %, self % and call count, each arrow's %
// and call count. Table 1, per format: boxes of gprof2dot, of profconv and in common (by
// name), and how many common boxes have the same total and self (within 0.01 points) and call
// count, and common arrows the same % and count. Formats profconv does not read show "not read".
// Table 2, the call-cycle check of issue 18 on callgrind files (gprof2dot's examples and the
// committed CPython and parser fixtures): boxes drawn, boxes at ≥ 90 %, common boxes as a share
// of gprof2dot's, and common boxes whose totals are within 2 points.
// Needs python3 and a built profconv (packages/cli/bin/profconv.js).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const PROFCONV = join(ROOT, 'packages/cli/bin/profconv.js')
const args = process.argv.slice(2)
const checkout = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--json')
if (!checkout || !existsSync(join(checkout, 'gprof2dot.py'))) {
  process.stderr.write('usage: node scripts/compare-gprof2dot.mjs GPROF2DOT_CHECKOUT [--details]\n')
  process.exit(2)
}
const DETAILS = args.includes('--details')
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined

/** gprof2dot's `-f` formats and profconv's name for each (its `--from`). */
const FORMATS = {
  axe: 'axe',
  callgrind: 'callgrind',
  collapse: 'folded',
  dtrace: 'dtrace',
  hprof: 'hprof',
  json: 'gprof2dot-json',
  perf: 'perf-script',
  prof: 'gprof',
  pstats: 'pstats',
  sleepy: 'sleepy',
  sysprof: 'sysprof',
  xperf: 'xperf',
}

function run(command, argv) {
  const r = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 28 })
  return { ok: r.status === 0, out: r.stdout ?? '', err: r.stderr ?? '' }
}

const unquote = (s) => (s.startsWith('"') ? s.slice(1, -1).replace(/\\(["\\])/g, '$1') : s)
const ID = String.raw`("(?:[^"\\]|\\.)*"|[^\s\[\]"]+)`
const NODE = new RegExp(String.raw`^\s*${ID}\s*\[(.*)\];\s*$`)
const EDGE = new RegExp(String.raw`^\s*${ID}\s*->\s*${ID}\s*\[(.*)\];\s*$`)
const LABEL = /(?:^|[ ,])label="((?:[^"\\]|\\.)*)"/

/** Label lines (`\n` separated, escapes undone). */
function labelLines(attrs) {
  const m = LABEL.exec(attrs)
  if (!m) return undefined
  return m[1].split('\\n').map((l) => l.replace(/\\(["\\])/g, '$1').replace(/\\l$/, ''))
}
const percent = (s) => {
  const m = /^~?(-?[0-9.]+)%$/.exec(s ?? '')
  return m ? Number(m[1]) : undefined
}
const count = (s) => {
  const m = /^([0-9+]+)×$/.exec(s ?? '')
  return m ? m[1] : undefined
}

/** Boxes by name (a list where a name is drawn more than once) and arrows by "a -> b". */
export function parseDot(text) {
  const byId = new Map()
  const arrows = []
  for (const line of text.split('\n')) {
    const e = EDGE.exec(line)
    if (e) {
      arrows.push({ from: unquote(e[1]), to: unquote(e[2]), lines: labelLines(e[3]) ?? [] })
      continue
    }
    const n = NODE.exec(line)
    if (!n || ['graph', 'node', 'edge'].includes(n[1])) continue
    const lines = labelLines(n[2])
    if (!lines) continue
    const at = lines.findIndex((l) => percent(l) !== undefined)
    if (at < 1) continue
    byId.set(unquote(n[1]), {
      name: lines[at - 1],
      total: percent(lines[at]),
      estimated: lines[at].startsWith('~'),
      self: percent(lines[at + 1]?.replace(/^\((.*)\)$/, '$1')),
      calls: count(lines[at + 2]),
    })
  }
  const boxes = new Map()
  for (const box of byId.values()) {
    if (!boxes.has(box.name)) boxes.set(box.name, [])
    boxes.get(box.name).push(box)
  }
  const edges = new Map()
  for (const a of arrows) {
    const from = byId.get(a.from)
    const to = byId.get(a.to)
    if (!from || !to) continue
    const key = `${from.name} -> ${to.name}`
    const pct = a.lines.map(percent).find((p) => p !== undefined)
    const calls = a.lines.map(count).find((c) => c !== undefined)
    if (!edges.has(key)) edges.set(key, [])
    edges.get(key).push({ pct, calls })
  }
  return { boxes, edges }
}

const near = (a, b, within) => a !== undefined && b !== undefined && Math.abs(a - b) <= within

/** Agreement of profconv's drawing `b` with gprof2dot's `a`. */
function agreement(a, b) {
  const r = {
    g2dBoxes: a.boxes.size,
    boxes: b.boxes.size,
    common: 0,
    apart: 0,
    total: 0,
    self: 0,
    calls: 0,
    estimated: 0,
    g2dEdges: a.edges.size,
    commonEdges: 0,
    edgePct: 0,
    edgeCalls: 0,
    differ: [],
  }
  for (const [name, xs] of a.boxes) {
    const [x] = xs
    const ys = b.boxes.get(name)
    if (!ys) {
      r.differ.push(`only gprof2dot: ${name} ${x.total}%`)
      continue
    }
    r.common++
    // Several functions of one name (other files or objects): not compared box by box.
    if (ys.length > 1 || xs.length > 1) {
      r.apart++
      r.differ.push(`same name, gprof2dot ${xs.length} boxes, profconv ${ys.length}: ${name}`)
      continue
    }
    const [y] = ys
    if (y.estimated) r.estimated++
    const sameTotal = near(x.total, y.total, 0.01)
    const sameSelf = near(x.self, y.self, 0.01)
    const sameCalls = x.calls === y.calls
    if (sameTotal) r.total++
    if (sameSelf) r.self++
    if (sameCalls) r.calls++
    if (!(sameTotal && sameSelf && sameCalls))
      r.differ.push(
        `${name}: gprof2dot ${x.total}% (${x.self}%) ${x.calls ?? '-'}×, profconv ${y.estimated ? '~' : ''}${y.total}% (${y.self}%) ${y.calls ?? '-'}×`,
      )
  }
  for (const name of b.boxes.keys())
    if (!a.boxes.has(name)) r.differ.push(`only profconv: ${name} ${b.boxes.get(name)[0].total}%`)
  for (const [key, xs] of a.edges) {
    const [x] = xs
    const ys = b.edges.get(key)
    if (!ys || ys.length > 1 || xs.length > 1) continue
    r.commonEdges++
    const [y] = ys
    if (x.pct === y.pct || near(x.pct, y.pct, 0.01)) r.edgePct++
    if (x.calls === y.calls) r.edgeCalls++
    else
      r.differ.push(
        `arrow ${key}: gprof2dot ${x.pct}% ${x.calls ?? '-'}×, profconv ${y.pct}% ${y.calls ?? '-'}×`,
      )
  }
  return r
}

/** Issue 18's figures: boxes, boxes at ≥ 90 %, overlap, common totals within 2 points. */
function cycleFigures(a, b) {
  const high = (d) => [...d.boxes.values()].filter(([x]) => x.total >= 90).length
  let common = 0
  let within = 0
  for (const [name, [x]] of a.boxes) {
    const ys = b.boxes.get(name)
    if (!ys) continue
    common++
    if (ys.some((y) => near(x.total, y.total, 2))) within++
  }
  return {
    boxes: b.boxes.size,
    g2dBoxes: a.boxes.size,
    high: high(b),
    g2dHigh: high(a),
    overlap: a.boxes.size ? common / a.boxes.size : 1,
    within: common ? within / common : 1,
  }
}

function draw(file, format) {
  const g2d = run('python3', [join(checkout, 'gprof2dot.py'), '-f', format, file])
  const from = FORMATS[format]
  let pc = run('node', [PROFCONV, file, '-f', from, '-t', 'dot'])
  if (!pc.ok && /unknown|not a format|choices|Invalid values/i.test(pc.err))
    pc = { ok: false, out: '', err: `not read (${from})` }
  return { g2d, pc }
}

const pct = (x) => `${Math.round(100 * x)} %`
const results = []
const tests = join(checkout, 'tests')
const table1 = [
  '| format | files | boxes gprof2dot / profconv / common (of them same-named) | same total | same self | same calls | arrows common | same arrow % | same arrow calls |',
  '|---|---|---|---|---|---|---|---|---|',
]
for (const format of Object.keys(FORMATS)) {
  const dir = join(tests, format)
  if (!existsSync(dir)) continue
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(`.${format}`))
    .sort()
  if (files.length === 0) continue
  const sum = { files: 0, failed: [], notRead: false }
  const add = (r) => {
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v
  }
  for (const f of files) {
    const file = join(dir, f)
    const { g2d, pc } = draw(file, format)
    if (!pc.ok && pc.err.startsWith('not read')) {
      sum.notRead = true
      continue
    }
    if (!g2d.ok || !pc.ok) {
      sum.failed.push(`${f} (${!g2d.ok ? 'gprof2dot' : 'profconv'} failed)`)
      results.push({
        format,
        file: f,
        failed: !g2d.ok ? 'gprof2dot' : 'profconv',
        err: (g2d.ok ? pc : g2d).err.split('\n').slice(-3).join(' '),
      })
      continue
    }
    const a = parseDot(g2d.out)
    const b = parseDot(pc.out)
    const r = agreement(a, b)
    sum.files++
    add(r)
    results.push({
      format,
      file: f,
      ...r,
      ...(format === 'callgrind' ? { cycles: cycleFigures(a, b) } : {}),
    })
    if (DETAILS && r.differ.length) {
      process.stdout.write(`\n${format}/${f}:\n`)
      for (const d of r.differ.slice(0, 40)) process.stdout.write(`  ${d}\n`)
    }
  }
  const failed = sum.failed.length ? `; failed: ${sum.failed.join(', ')}` : ''
  if (sum.notRead && sum.files === 0) {
    table1.push(`| ${format} | ${files.length} | not read | | | | | | |`)
    continue
  }
  const of = (k, n) => `${sum[k] ?? 0}/${n}`
  table1.push(
    `| ${format} | ${sum.files}${failed} | ${sum.g2dBoxes ?? 0} / ${sum.boxes ?? 0} / ${sum.common ?? 0} (${sum.apart ?? 0}) | ${of('total', (sum.common ?? 0) - (sum.apart ?? 0))} | ${of('self', (sum.common ?? 0) - (sum.apart ?? 0))} | ${of('calls', (sum.common ?? 0) - (sum.apart ?? 0))} | ${sum.commonEdges ?? 0}/${sum.g2dEdges ?? 0} | ${of('edgePct', sum.commonEdges ?? 0)} | ${of('edgeCalls', sum.commonEdges ?? 0)} |`,
  )
}

// Table 2: the call-cycle figures of issue 18.
const table2 = [
  '| program | boxes profconv / gprof2dot | boxes ≥ 90 % profconv / gprof2dot | same boxes (of gprof2dot’s) | common totals within 2 points |',
  '|---|---|---|---|---|',
]
const cycleFiles = [
  ...['rdparser', 'cpython-json'].map((n) => join(ROOT, 'test-data/callgrind', `${n}.callgrind`)),
  ...readdirSync(join(tests, 'callgrind'))
    .filter((f) => f.endsWith('.callgrind'))
    .sort()
    .map((f) => join(tests, 'callgrind', f)),
]
for (const file of cycleFiles) {
  if (!existsSync(file)) continue
  const known = results.find(
    (r) => r.format === 'callgrind' && join(tests, 'callgrind', r.file) === file,
  )
  let c = known?.cycles
  if (!c && !known) {
    const { g2d, pc } = draw(file, 'callgrind')
    if (!g2d.ok || !pc.ok) continue
    c = cycleFigures(parseDot(g2d.out), parseDot(pc.out))
    results.push({ format: 'callgrind', file: basename(file), cycles: c })
  }
  if (!c || c.g2dBoxes === 0) continue
  table2.push(
    `| ${basename(file)} | ${c.boxes} / ${c.g2dBoxes} | ${c.high} / ${c.g2dHigh} | ${pct(c.overlap)} | ${pct(c.within)} |`,
  )
}

process.stdout.write(`\n${table1.join('\n')}\n\n${table2.join('\n')}\n`)
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`)
