// Deterministic ~100 MB inputs of the formats gprof2dot and speedscope read beside the main
// ones (issue 17): each reader must read such a file of its kind. Same conventions as
// generate.mjs (seeded, cached by `ensure`). The shapes follow each package's test-data README.
import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { callTree, ensure, functionName, fileName, prng, textWriter } from './generate.mjs'

/** The frames of a tree node, leaf first. */
function path(tree, n) {
  const out = []
  for (; n >= 0; n = tree.parent[n]) out.push(tree.frame[n])
  return out
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')

/** `xctrace export` of a time-profile table: rows with id/ref back-references. */
export function xctrace(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const out = textWriter(file)
    out.write(
      '<?xml version="1.0"?>\n<trace-query-result>\n<node xpath=\'//trace-toc[1]/run[1]/data[1]/table[5]\'><schema name="time-profile"/>\n',
    )
    let id = 1
    const frameId = new Map()
    const stackId = new Map()
    let time = 0
    let binary = '<binary id="1000000002" name="app" path="/usr/bin/app"/>'
    let weight = '<weight id="1000000000" fmt="1.00 ms">1000000</weight>'
    let thread = '<thread id="1000000001" fmt="Main Thread 0x1 (app, pid: 1)"/>'
    while (out.size < bytes) {
      time += 1000000 + rand.int(1000)
      const n = rand.skewed(tree.parent.length)
      let bt
      if (stackId.has(n)) {
        bt = `<backtrace ref="${stackId.get(n)}"/>`
      } else {
        const b = id++
        stackId.set(n, b)
        const frames = path(tree, n).map((f) => {
          if (frameId.has(f)) return `<frame ref="${frameId.get(f)}"/>`
          const i = id++
          frameId.set(f, i)
          const frame = `<frame id="${i}" name="${esc(functionName(f))}" addr="0x${(0x100000 + f * 64).toString(16)}">${binary}</frame>`
          binary = '<binary ref="1000000002"/>'
          return frame
        })
        bt = `<backtrace id="${b}">${frames.join('')}</backtrace>`
      }
      out.write(
        `<row><sample-time id="${id++}" fmt="t">${time}</sample-time>${thread}${weight}${bt}</row>\n`,
      )
      thread = '<thread ref="1000000001"/>'
      weight = '<weight ref="1000000000"/>'
    }
    out.write('</node></trace-query-result>\n')
    out.close()
  })
}

/** sysprof 1.x XML: objects, then a call tree of about `bytes` bytes of nodes. */
export function sysprof(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, Math.ceil(bytes / 270), functions)
    const out = textWriter(file)
    out.write('<profile>\n    <size>0</size>\n    <call_tree>1</call_tree>\n    <objects>\n')
    for (let f = 0; f < functions; f++) {
      out.write(
        `        <object id="${f + 1}">\n            <name>"${esc(functionName(f))}"</name>\n            <total>0</total>\n            <self>0</self>\n        </object>\n`,
      )
    }
    out.write('    </objects>\n    <nodes>\n')
    for (let n = 0; n < tree.parent.length; n++) {
      out.write(
        `        <node id="${n + 1}">\n            <object>${tree.frame[n] + 1}</object>\n            <siblings>0</siblings>\n            <children>0</children>\n            <parent>${tree.parent[n] + 1}</parent>\n            <total>0</total>\n            <self>${rand.int(4)}</self>\n            <toplevel>${tree.parent[n] < 0 ? 1 : 0}</toplevel>\n        </node>\n`,
      )
    }
    out.write('    </nodes>\n</profile>\n')
    out.close()
  })
}

/** xperf's CSV of sampled stacks. */
export function xperf(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const out = textWriter(file)
    out.write(
      'Process Name, Display Name, Process, Stack, Module, Function, Address, Thread ID, CPU, Weight, % Weight, Count, TimeStamp\n',
    )
    let t = 1
    while (out.size < bytes) {
      const frames = path(tree, rand.skewed(tree.parent.length))
      const leaf = functionName(frames[0])
      const stack = ['[Root]', ...frames.reverse().map((f) => `app.exe!${functionName(f)}`)].join(
        '/',
      )
      t += 0.001
      out.write(
        `app.exe, app.exe, app.exe (4144), ${stack}, app.exe, ${leaf}, 0x0000000000401a2c, 5104, ${rand.int(4)}, 1.000${rand.int(1000)}, 0.01, 1, ${t.toFixed(9)}\n`,
      )
    }
    out.close()
  })
}

/** VTune's gprof-cc report: an entry per function with its callees. */
export function axe(dir, name, bytes, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const out = textWriter(file)
    out.write(
      'Index  % CPU Time:Total  CPU Time:Self  CPU Time:Children  Name                          Index\n',
    )
    out.write(
      '-----  ----------------  -------------  -----------------  ----------------------------  -----\n',
    )
    const t = (x) => x.toFixed(3).padEnd(15)
    for (let i = 0; out.size < bytes; i++) {
      let text = ''
      const self = rand.int(1000) / 1000
      const children = rand.int(5000) / 1000
      text +=
        `[${i}]`.padEnd(7) +
        ' ' +
        `${(rand.int(1000) / 10).toFixed(1)}`.padEnd(18) +
        t(self) +
        t(children) +
        `  ${functionName(i)}`.padEnd(32) +
        `[${i}]\n`
      for (let k = rand.int(6); k > 0; k--) {
        const callee = i + 1 + rand.int(1000)
        text +=
          ' '.repeat(25) +
          t(rand.int(500) / 1000) +
          t(rand.int(500) / 1000) +
          `    ${functionName(callee)}`.padEnd(32) +
          `[${callee}]\n`
      }
      out.write(`${text}${' '.repeat(90)}\n`)
    }
    out.write('\nIndex by function name\n\nIndex  Function\n')
    out.close()
  })
}

/** A Papyrus profiler log: PUSH/POP events on a few stacks. */
export function papyrus(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const out = textWriter(file)
    out.write('Script_app log opened (PC)\n')
    const stacks = Array.from({ length: 8 }, () => [])
    let time = 1000
    while (out.size < bytes) {
      time += rand.int(3)
      const s = rand.int(stacks.length)
      const open = stacks[s]
      const id = 3000 + s
      if (open.length === 0 || (open.length < 30 && rand() < 0.5)) {
        const f = rand.skewed(functions)
        open.push(f)
        out.write(`${time}:PUSH:${id}:${open.length}:None:app_${f % 50}..${functionName(f)}\n`)
      } else {
        const f = open.pop()
        out.write(`${time}:POP:${id}:${open.length + 1}:None:app_${f % 50}..${functionName(f)}\n`)
      }
    }
    out.write('Log closed\n')
    out.close()
  })
}

/** A Web Inspector recording with JavaScript samples (one JSON document). */
export function safari(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const out = textWriter(file)
    out.write(
      '{"version":1,"recording":{"displayName":"Recording","startTime":1,"endTime":2,"instrumentTypes":["timeline-record-type-script"],"records":[],"sampleStackTraces":[',
    )
    const durations = []
    let t = 1
    while (out.size < bytes) {
      const frames = path(tree, rand.skewed(tree.parent.length)).map(
        (f) =>
          `{"sourceID":"1","name":"${functionName(f)}","line":${f + 1},"column":5,"url":"https://example.com/app${f % 40}.js"}`,
      )
      t += 0.001
      out.write(
        `${durations.length ? ',' : ''}{"timestamp":${t.toFixed(6)},"stackFrames":[${frames.join(',')}]}`,
      )
      durations.push('0.001')
    }
    out.write(`],"sampleDurations":[${durations.join(',')}]},"overview":{}}\n`)
    out.close()
  })
}

/** hprof `cpu=samples`: TRACE blocks, then the CPU SAMPLES table. */
export function hprof(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, Math.ceil(bytes / 500), functions)
    const out = textWriter(file)
    out.write('JAVA PROFILE 1.0.1, created Mon Mar  2 10:00:00 2015\n\n--------\n\n')
    const n = tree.parent.length
    for (let i = 0; i < n; i++) {
      const frames = path(tree, i).map(
        (f) => `\tapp.C${f % 300}.${functionName(f)}(C${f % 300}.java:${(f % 900) + 1})\n`,
      )
      out.write(`TRACE ${300000 + i}:\n${frames.join('')}`)
    }
    out.write(
      `CPU SAMPLES BEGIN (total = ${n}) Mon Mar  2 10:00:04 2015\nrank   self  accum   count trace method\n`,
    )
    for (let i = 0; i < n; i++)
      out.write(`${i + 1} 0.01% 0.01% ${1 + rand.int(9)} ${300000 + i} app.C.m\n`)
    out.write('CPU SAMPLES END\n')
    out.close()
  })
}

/** An Instruments deep copy: the call tree, one row per node, totals in ms. */
export function instruments(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, Math.ceil(bytes / 40), functions)
    const n = tree.parent.length
    const total = new Float64Array(n)
    const kids = Array.from({ length: n }, () => [])
    for (let i = n - 1; i >= 0; i--) {
      total[i] += rand.int(5)
      if (tree.parent[i] >= 0) {
        total[tree.parent[i]] += total[i]
        kids[tree.parent[i]].push(i)
      }
    }
    const out = textWriter(file)
    out.write('Running Time\tSelf (ms)\t\tSymbol Name\n')
    const todo = []
    for (let i = n - 1; i >= 0; i--) if (tree.parent[i] < 0) todo.push([i, 0])
    while (todo.length > 0) {
      const [i, depth] = todo.pop()
      out.write(
        `${total[i].toFixed(1)}ms  1.0%\t0\t \t${' '.repeat(depth)}${functionName(tree.frame[i])}\n`,
      )
      for (let k = kids[i].length - 1; k >= 0; k--) todo.push([kids[i][k], depth + 1])
    }
    out.close()
  })
}

/** `pmcstat -G`: per sampled function its chain of callers. */
export function pmcstat(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const out = textWriter(file)
    out.write('@ cpu_clk_unhalted.thread_p [1000000 samples]\n\n')
    while (out.size < bytes) {
      const frames = path(tree, rand.skewed(tree.parent.length))
      const count = 1 + rand.int(50)
      let text = ''
      frames.forEach((f, depth) => {
        text += `${' '.repeat(depth)}${depth ? '100.0' : '0.01'}%  [${count}]  ${functionName(f)}${depth === 0 ? ' @ /usr/bin/app' : ''}\n`
      })
      out.write(`${text}\n`)
    }
    out.close()
  })
}

/** `stackprof --json` in wall mode with raw samples (one JSON document). */
export function stackprof(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const out = textWriter(file)
    const frames = []
    for (let f = 0; f < functions; f++) {
      frames.push(
        `"${f + 1}":{"name":"App#${functionName(f)}","file":"${fileName(f)}","line":${f + 1},"total_samples":0,"samples":0}`,
      )
    }
    out.write(
      `{"version":1.2,"mode":"wall","interval":1000,"samples":0,"gc_samples":0,"missed_samples":0,"frames":{${frames.join(',')}},"raw":[`,
    )
    const deltas = []
    let first = true
    while (out.size < bytes) {
      const stack = path(tree, rand.skewed(tree.parent.length))
        .reverse()
        .map((f) => f + 1)
      const count = 1 + rand.int(3)
      out.write(`${first ? '' : ','}${stack.length},${stack.join(',')},${count}`)
      first = false
      for (let k = 0; k < count; k++) deltas.push(1000 + rand.int(50))
    }
    out.write(`],"raw_timestamp_deltas":[${deltas.join(',')}]}\n`)
    out.close()
  })
}

/** gprof2dot's JSON (`-f json`, as memtrail writes it): functions, then one event per stack. */
export function gprof2dotJson(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const out = textWriter(file)
    const fns = []
    for (let f = 0; f < functions; f++) {
      fns.push(`{"name":"${functionName(f)}","module":"app${f % 7}.so","process":"app"}`)
    }
    out.write(
      `{"version":0,"costs":[{"description":"Memory","unit":"bytes"}],"functions":[${fns.join(',')}],"events":[`,
    )
    let first = true
    while (out.size < bytes) {
      const chain = path(tree, rand.skewed(tree.parent.length))
      out.write(
        `${first ? '' : ','}{"callchain":[${chain.join(',')}],"cost":[${1 + rand.int(4096)}]}`,
      )
      first = false
    }
    out.write(']}\n')
    out.close()
  })
}

/** GHC `+RTS -pj`: the cost-centre tree as nested JSON. */
export function ghc(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, Math.ceil(bytes / 80), functions)
    const n = tree.parent.length
    const kids = Array.from({ length: n }, () => [])
    const roots = []
    for (let i = 0; i < n; i++) (tree.parent[i] < 0 ? roots : kids[tree.parent[i]]).push(i)
    const out = textWriter(file)
    const centres = []
    for (let f = 0; f < functions; f++) {
      centres.push(
        `{"id":${f + 2},"label":"${functionName(f)}","module":"M${f % 40}","src_loc":"M${f % 40}.hs:${f + 1}:1-10","is_caf":false}`,
      )
    }
    out.write(
      `{"program":"app","arguments":[],"rts_arguments":["-pj"],"end_time":"x","initial_capabilities":1,"total_time":1,"total_ticks":1,"tick_interval":1000,"total_alloc":1,"cost_centres":[{"id":1,"label":"MAIN","module":"MAIN","src_loc":"<built-in>","is_caf":false},${centres.join(',')}],"profile":{"id":1,"entries":0,"alloc":0,"ticks":0,"children":[`,
    )
    // Depth-first, iteratively: an entry's children are written between its '[' and ']'.
    const todo = roots.map((r, k) => [r, k > 0]).reverse()
    while (todo.length > 0) {
      const [i, comma] = todo.pop()
      if (i === -1) {
        out.write(']}')
        continue
      }
      out.write(
        `${comma ? ',' : ''}{"id":${tree.frame[i] + 2},"entries":${rand.int(9)},"alloc":${rand.int(999)},"ticks":${rand.int(3)},"children":[`,
      )
      todo.push([-1, false])
      for (let k = kids[i].length - 1; k >= 0; k--) todo.push([kids[i][k], k > 0])
    }
    out.write(']}}\n')
    out.close()
  })
}

/** A Very Sleepy capture: a zip of Symbols.txt, Callstacks.txt and Stats.txt. */
export function sleepy(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), async (file) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const symbols = []
    for (let f = 0; f < functions; f++) {
      symbols.push(`sym${f} "app.exe" "${functionName(f)}" "${fileName(f)}" ${f + 1}`)
    }
    const stacks = []
    let size = 0
    while (size < bytes) {
      const line = `${(rand.int(1000) / 1e5).toFixed(5)} ${path(
        tree,
        rand.skewed(tree.parent.length),
      )
        .map((f) => `sym${f}`)
        .join(' ')}`
      stacks.push(line)
      size += line.length + 1
    }
    // fflate is a dependency of @profconv/model, not of the repository root.
    const require = createRequire(join(import.meta.dirname, '../../packages/model/package.json'))
    const { zipSync, strToU8 } = require('fflate')
    const zip = zipSync(
      {
        'Symbols.txt': strToU8(`${symbols.join('\n')}\n`),
        'Callstacks.txt': strToU8(`${stacks.join('\n')}\n`),
        'Stats.txt': strToU8('Filename: app.exe\nDuration: 60.0\nDate: 2026-12-04\n'),
      },
      { level: 1 },
    )
    writeFileSync(file, zip)
  })
}
