// Deterministic (seeded) large inputs for `pnpm bench`. Each generator writes one file and is
// skipped when the file already exists with the same generator version (see `ensure`).
import { execFileSync } from 'node:child_process'
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { Buffer } from 'node:buffer'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..')

/** Bump when a generator's output changes: cached inputs are regenerated. */
const VERSION = 4

/** mulberry32: a small seeded PRNG, so every run benchmarks the same bytes. */
export function prng(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  next.int = (n) => Math.floor(next() * n)
  // Skewed towards small indices: a few hot functions, a long tail.
  next.skewed = (n) => Math.floor(n * next() ** 3)
  return next
}

const WORDS = [
  'parse',
  'render',
  'load',
  'store',
  'compute',
  'visit',
  'emit',
  'resolve',
  'merge',
  'split',
  'encode',
  'decode',
  'fetch',
  'apply',
  'check',
  'build',
  'update',
  'scan',
  'sort',
  'hash',
]

export function functionName(i) {
  return `${WORDS[i % 20]}_${WORDS[(i * 7 + 3) % 20]}_${i}`
}
export function fileName(i) {
  return `/srv/app/pkg${i % 97}/module_${Math.floor(i / 40)}.c`
}

/** Writes `path` unless it exists with a stamp of this VERSION; returns the path. */
export async function ensure(path, write) {
  const stamp = `${path}.v${VERSION}`
  if (existsSync(path) && existsSync(stamp)) return path
  const temp = `${path}.tmp`
  process.stderr.write(`bench: generating ${path}\n`)
  rmSync(temp, { recursive: true, force: true })
  await write(temp)
  // An older version may be a directory (merge inputs): rename cannot replace a non-empty one.
  rmSync(path, { recursive: true, force: true })
  renameSync(temp, path)
  writeFileSync(stamp, '')
  return path
}

/** Buffered text output to a file descriptor. */
export function textWriter(path) {
  const fd = openSync(path, 'w')
  let parts = []
  let pending = 0
  let written = 0
  const flush = () => {
    const buffer = Buffer.from(parts.join(''))
    writeSync(fd, buffer)
    written += buffer.length
    parts = []
    pending = 0
  }
  return {
    write(text) {
      parts.push(text)
      pending += text.length
      if (pending > 1 << 20) flush()
    },
    get size() {
      return written + pending
    },
    close() {
      flush()
      closeSync(fd)
    },
  }
}

/**
 * A callgrind file of about `bytes` bytes over `functions` functions, with valgrind's name
 * compression and relative positions. Functions are visited in rounds (as a file of several
 * dumps or threads repeats them), so the function and arc counts stay bounded as the file grows.
 */
export function callgrind(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (path) => {
    const rand = prng(seed)
    const out = textWriter(path)
    out.write(
      '# callgrind format\nversion: 1\ncreator: profconv-bench\npid: 4242\ncmd: ./app --bench\n',
    )
    out.write('positions: line\nevents: Ir Dr Dw\n\n')
    const seenFn = new Uint8Array(functions)
    const seenFl = new Uint8Array(Math.ceil(functions / 40) + 1)
    const fnRef = (i) =>
      seenFn[i] ? `(${i + 1})` : ((seenFn[i] = 1), `(${i + 1}) ${functionName(i)}`)
    const flRef = (i) => {
      const f = Math.floor(i / 40)
      return seenFl[f] ? `(${f + 1})` : ((seenFl[f] = 1), `(${f + 1}) ${fileName(i)}`)
    }
    const totals = [0, 0, 0]
    let fn = 0
    while (out.size < bytes) {
      const file = Math.floor(fn / 40)
      let text = `fl=${flRef(fn)}\nfn=${fnRef(fn)}\n`
      let line = 10 + (fn % 40) * 25
      text += `${line} `
      const costLines = 1 + rand.int(6)
      for (let c = 0; c < costLines; c++) {
        const ir = 1 + rand.int(5000)
        const dr = rand.int(2000)
        const dw = rand.int(800)
        totals[0] += ir
        totals[1] += dr
        totals[2] += dw
        if (c > 0) {
          const step = 1 + rand.int(4)
          line += step
          text += `+${step} `
        }
        text += `${ir} ${dr} ${dw}\n`
      }
      // Each function calls the same few functions in every round: a program's call graph.
      const shape = prng(seed * 7919 + fn)
      const calls = shape.int(7)
      for (let c = 0; c < calls; c++) {
        const callee = shape.skewed(functions)
        const calleeFile = Math.floor(callee / 40)
        if (calleeFile !== file) text += `cfi=${flRef(callee)}\n`
        const step = 1 + rand.int(3)
        line += step
        text += `cfn=${fnRef(callee)}\ncalls=${1 + rand.int(1000)} ${10 + (callee % 40) * 25}\n`
        text += `+${step} ${rand.int(900000)} ${rand.int(300000)} ${rand.int(100000)}\n`
      }
      out.write(`${text}\n`)
      fn = (fn + 1) % functions
    }
    out.write(`totals: ${totals.join(' ')}\n`)
    out.close()
  })
}

/**
 * A callgrind file of about `bytes` bytes as valgrind writes one dump: callgrind sums costs per
 * position before writing, so every function appears once, its cost lines at distinct increasing
 * lines (`+N` steps) with its calls in between, and the distinct positions grow with the file:
 * about 30k per MB here, as in the real files of test-data/callgrind (27k–91k per MB). New
 * functions keep coming until the size is reached (about 250k for 100 MB).
 */
export function callgrindDump(dir, name, bytes, seed) {
  return ensure(join(dir, name), (path) => {
    const rand = prng(seed)
    const out = textWriter(path)
    out.write(
      '# callgrind format\nversion: 1\ncreator: profconv-bench\npid: 4243\ncmd: ./app --dump\n',
    )
    out.write('positions: line\nevents: Ir Dr Dw\n\n')
    const expected = Math.ceil(bytes / 300)
    const seenFn = new Uint8Array(expected * 2)
    const seenFl = new Uint8Array(Math.ceil((expected * 2) / 40) + 1)
    const fnRef = (i) =>
      seenFn[i] ? `(${i + 1})` : ((seenFn[i] = 1), `(${i + 1}) ${functionName(i)}`)
    const flRef = (i) => {
      const f = Math.floor(i / 40)
      return seenFl[f] ? `(${f + 1})` : ((seenFl[f] = 1), `(${f + 1}) ${fileName(i)}`)
    }
    const totals = [0, 0, 0]
    for (let fn = 0; out.size < bytes && fn < seenFn.length; fn++) {
      const file = Math.floor(fn / 40)
      // valgrind names the file again only when it changes.
      let text = `${fn % 40 === 0 ? `fl=${flRef(fn)}\n` : ''}fn=${fnRef(fn)}\n`
      let line = 10 + (fn % 40) * 25
      text += `${line} `
      const costLines = 2 + rand.int(20)
      const callees = prng(seed * 7919 + fn)
      for (let c = 0; c < costLines; c++) {
        const ir = 1 + rand.int(5000)
        const dr = rand.int(2000)
        const dw = rand.int(800)
        totals[0] += ir
        totals[1] += dr
        totals[2] += dw
        if (c > 0) {
          const step = 1 + rand.int(3)
          line += step
          text += `+${step} `
        }
        text += `${ir} ${dr} ${dw}\n`
        if (rand() < 0.15 && fn + 1 < seenFn.length) {
          // A call from the next line, to a function further on (defined on first use): the
          // call graph is acyclic, as most of a program's is, so no cycle estimate is timed.
          const callee = Math.min(seenFn.length - 1, fn + 1 + callees.skewed(expected))
          if (Math.floor(callee / 40) !== file) text += `cfi=${flRef(callee)}\n`
          line += 1
          text += `cfn=${fnRef(callee)}\ncalls=${1 + rand.int(1000)} ${10 + (callee % 40) * 25}\n`
          text += `+1 ${rand.int(900000)} ${rand.int(300000)} ${rand.int(100000)}\n`
        }
      }
      out.write(`${text}\n`)
    }
    out.write(`totals: ${totals.join(' ')}\n`)
    out.close()
  })
}

/** pstats (marshal) with `functions` functions and about `edges` caller edges, by python3. */
export function pstats(dir, name, functions, edges, seed) {
  return ensure(join(dir, name), (path) => {
    execFileSync(
      'python3',
      [join(HERE, 'gen-pstats.py'), path, String(functions), String(edges), String(seed)],
      {
        stdio: 'inherit',
      },
    )
  })
}

/**
 * A program's call tree of `nodes` nodes over `functions` functions (depth bounded), as parent
 * and frame columns: samples pick nodes of it, skewed towards the hot ones.
 */
export function callTree(rand, nodes, functions) {
  const parent = new Int32Array(nodes)
  const frame = new Int32Array(nodes)
  const depth = new Int32Array(nodes)
  for (let n = 0; n < nodes; n++) {
    if (n < 8) {
      parent[n] = -1
      frame[n] = n
      continue
    }
    let p = rand.int(n)
    while (depth[p] >= 40) p = parent[p]
    parent[n] = p
    depth[n] = depth[p] + 1
    frame[n] = n < functions ? n : rand.int(functions)
  }
  return { parent, frame }
}

async function loadModel() {
  const model = await import(join(ROOT, 'packages/model/dist/index.js'))
  return model
}

/** A sampled profile of `samples` samples over `functions` functions (the pprof and speedscope inputs). */
async function sampledProfile(samples, functions, seed, sampleSeed = seed) {
  const { FrameTable, SamplesBuilder, newMeta } = await loadModel()
  const treeRand = prng(seed)
  // One seed draws the program and its samples (as before); a second, other samples of it.
  const rand = sampleSeed === seed ? treeRand : prng(sampleSeed)
  const frames = new FrameTable()
  for (let i = 0; i < functions; i++)
    frames.intern({ name: functionName(i), file: fileName(i), line: 10 + (i % 40) * 25 })
  const tree = callTree(treeRand, functions * 4, functions)
  const builder = new SamplesBuilder(2)
  const nodeOf = new Int32Array(tree.parent.length).fill(-2)
  const stack = []
  const modelNode = (n) => {
    if (nodeOf[n] !== -2) return nodeOf[n]
    stack.length = 0
    for (let m = n; m >= 0; m = tree.parent[m]) stack.push(tree.frame[m])
    stack.reverse()
    return (nodeOf[n] = builder.tree.insert(stack))
  }
  const values = [1, 0]
  for (let i = 0; i < samples; i++) {
    values[1] = 10_000_000 * (1 + rand.int(3))
    builder.add(modelNode(rand.skewed(tree.parent.length)), values)
  }
  return {
    metrics: [
      { name: 'samples', unit: 'count' },
      { name: 'cpu', unit: 'nanoseconds' },
    ],
    defaultMetric: 1,
    frames,
    samples: builder.finish(),
    meta: {
      ...newMeta('bench'),
      period: { metric: { name: 'cpu', unit: 'nanoseconds' }, value: 10_000_000 },
    },
  }
}

export function pprof(dir, name, samples, functions, seed) {
  return ensure(join(dir, name), async (path) => {
    const { writePprof } = await import(join(ROOT, 'packages/pprof/dist/index.js'))
    writeFileSync(path, writePprof(await sampledProfile(samples, functions, seed)))
  })
}

export function speedscope(dir, name, samples, functions, seed) {
  return ensure(join(dir, name), async (path) => {
    const { writeSpeedscope } = await import(join(ROOT, 'packages/speedscope/dist/index.js'))
    const profile = await sampledProfile(samples, functions, seed)
    // Shuffled leaves: consecutive samples rarely share a stack, so none are joined.
    writeFileSync(path, writeSpeedscope(profile, { metric: 'cpu' }))
  })
}

/** A Chrome trace: the same kind of sampled profile written as X events (about 100 MB for 100k samples). */
export function chromeTrace(dir, name, samples, functions, seed) {
  return ensure(join(dir, name), async (path) => {
    const { writeChromeTrace } = await import(join(ROOT, 'packages/chrome-trace/dist/index.js'))
    writeFileSync(
      path,
      writeChromeTrace(await sampledProfile(samples, functions, seed), { metric: 'cpu' }),
    )
  })
}

/**
 * A Chrome trace of about `bytes` bytes of duration events, as tracers write them: on 4 threads,
 * nested `B`/`E` pairs (some with py-spy's `args.filename`/`line`) around `X` events, and a
 * thread name per thread.
 */
export function chromeTraceDurations(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (path) => {
    const rand = prng(seed)
    const out = textWriter(path)
    out.write('{"traceEvents":[\n')
    for (let tid = 1; tid <= 4; tid++)
      out.write(
        `{"ph":"M","pid":1,"tid":${tid},"name":"thread_name","args":{"name":"worker ${tid}"}},\n`,
      )
    let t = 0
    let first = true
    while (out.size < bytes) {
      const tid = 1 + rand.int(4)
      const depth = 1 + rand.int(8)
      const open = []
      let text = ''
      for (let d = 0; d < depth; d++) {
        const f = rand.skewed(functions)
        open.push(f)
        const args =
          f % 3 === 0 ? `,"args":{"filename":"${fileName(f)}","line":${1 + (f % 900)}}` : ''
        text += `${first ? '' : ',\n'}{"ph":"B","pid":1,"tid":${tid},"ts":${t++},"name":"${functionName(f)}"${args}}`
        first = false
      }
      for (let k = rand.int(4); k >= 0; k--) {
        const dur = 1 + rand.int(50)
        text += `,\n{"ph":"X","pid":1,"tid":${tid},"ts":${t},"dur":${dur},"name":"${functionName(rand.skewed(functions))}","cat":"leaf"}`
        t += dur + 1
      }
      while (open.length > 0)
        text += `,\n{"ph":"E","pid":1,"tid":${tid},"ts":${t++},"name":"${functionName(open.pop())}"}`
      out.write(text)
    }
    out.write('\n]}\n')
    out.close()
  })
}

/**
 * A DevTools Performance recording's CPU profile of about `bytes` bytes: one `Profile` event
 * and `ProfileChunk`s of 100 samples each (nodes sent with `parent` links when first sampled,
 * `timeDeltas`, per-sample `lines`), between renderer trace events as Chrome writes them.
 */
export function chromeTraceProfile(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (path) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const sent = new Uint8Array(tree.parent.length)
    const out = textWriter(path)
    const head = '"pid":7,"tid":9,"ph":"P","cat":"disabled-by-default-v8.cpu_profiler","id":"0x1"'
    out.write(
      `{"traceEvents":[{"pid":7,"tid":7,"ph":"M","name":"thread_name","args":{"name":"CrRendererMain"}},\n`,
    )
    out.write(
      `{"pid":7,"tid":7,"ts":1000,"ph":"P","cat":"disabled-by-default-v8.cpu_profiler","id":"0x1","name":"Profile","args":{"data":{"startTime":1000}}}`,
    )
    let ts = 1000
    let first = true
    while (out.size < bytes) {
      const nodes = first
        ? [
            '{"id":1,"callFrame":{"functionName":"(root)","scriptId":0,"url":"","lineNumber":-1,"columnNumber":-1}}',
          ]
        : []
      first = false
      const samples = []
      const deltas = []
      const lines = []
      for (let k = 0; k < 100; k++) {
        const leaf = rand.skewed(tree.parent.length)
        const chain = []
        for (let n = leaf; n >= 0 && !sent[n]; n = tree.parent[n]) chain.push(n)
        for (let j = chain.length - 1; j >= 0; j--) {
          const n = chain[j]
          sent[n] = 1
          const f = tree.frame[n]
          const parent = tree.parent[n] >= 0 ? `,"parent":${tree.parent[n] + 2}` : ',"parent":1'
          nodes.push(
            `{"id":${n + 2},"callFrame":{"functionName":"${functionName(f)}","scriptId":${1 + (f % 50)},"url":"file://${fileName(f)}","lineNumber":${f % 900},"columnNumber":${f % 40}}${parent}}`,
          )
        }
        samples.push(leaf + 2)
        const delta = 100 + rand.int(50)
        deltas.push(delta)
        ts += delta
        lines.push(1 + rand.int(900))
      }
      out.write(
        `,\n{${head},"ts":${ts},"name":"ProfileChunk","args":{"data":{"cpuProfile":{"nodes":[${nodes.join(',')}],"samples":[${samples.join(',')}]},"lines":[${lines.join(',')}],"timeDeltas":[${deltas.join(',')}]}}}`,
      )
      out.write(
        `,\n{"pid":7,"tid":7,"ts":${ts},"ph":"X","dur":5,"name":"RunTask","cat":"toplevel"}`,
      )
    }
    out.write('\n]}\n')
    out.close()
  })
}

/** Folded stacks (`a;b;c 12`) of about `bytes` bytes over a call tree of `functions` functions. */
export function folded(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (path) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const text = new Array(tree.parent.length)
    const out = textWriter(path)
    const stackText = (n) => {
      if (text[n] === undefined) {
        const p = tree.parent[n]
        const own = `${functionName(tree.frame[n])}`
        text[n] = p < 0 ? own : `${stackText(p)};${own}`
      }
      return text[n]
    }
    while (out.size < bytes)
      out.write(`${stackText(rand.skewed(tree.parent.length))} ${1 + rand.int(50)}\n`)
    out.close()
  })
}

/**
 * A GNU gprof call graph (`gprof -b -q` layout) of about `bytes` bytes: one entry per function,
 * its caller before it, up to five callees after it (later functions only: no cycles).
 */
export function gprof(dir, name, bytes, seed) {
  return ensure(join(dir, name), (path) => {
    const rand = prng(seed)
    const out = textWriter(path)
    const t = (x) => x.toFixed(2).padStart(8)
    out.write('\t\t     Call graph\n\n\ngranularity: each sample hit covers 2 byte(s)\n\n')
    out.write('index % time    self  children    called     name\n')
    for (let i = 0; out.size < bytes; i++) {
      const self = rand.int(100) / 100
      const children = rand.int(1000) / 100
      const calls = 1 + rand.int(10000)
      let text =
        i === 0
          ? '                                                 <spontaneous>\n'
          : `${t(self)}${t(children)} ${String(calls).padStart(7)}/${calls}         ${functionName(i - 1)} [${i}]\n`
      text += `${`[${i + 1}]`.padEnd(6)} ${(rand.int(1000) / 10).toFixed(1).padStart(5)}${t(self)}${t(children)} ${String(calls).padStart(7)}         ${functionName(i)} [${i + 1}]\n`
      const callees = rand.int(6)
      for (let k = 0; k < callees; k++) {
        const callee = i + 2 + rand.int(1000)
        text += `${t(rand.int(50) / 100)}${t(rand.int(50) / 100)} ${String(1 + rand.int(99)).padStart(7)}/100         ${functionName(callee - 1)} [${callee}]\n`
      }
      out.write(`${text}-----------------------------------------------\n`)
    }
    out.close()
  })
}

/** DTrace's printout of `@[ustack()] = count()` of about `bytes` bytes (stacks of a call tree). */
export function dtrace(dir, name, bytes, functions, seed) {
  return ensure(join(dir, name), (path) => {
    const rand = prng(seed)
    const tree = callTree(rand, functions * 4, functions)
    const out = textWriter(path)
    out.write(
      'CPU     ID                    FUNCTION:NAME\n  1  29684                        :tick-60s \n\n',
    )
    while (out.size < bytes) {
      let text = '\n'
      for (let n = rand.skewed(tree.parent.length); n >= 0; n = tree.parent[n]) {
        text += `              app\`${functionName(tree.frame[n])}+0x${(16 + rand.int(4000)).toString(16)}\n`
      }
      out.write(`${text}               ${1 + rand.int(50)}\n`)
    }
    out.close()
  })
}

/**
 * A folder `name` of `count` copies of the file `source` (a fleet's profiles of one program, as
 * issue 19 measured them), named `p00000.<ext>`…; returns the folder.
 */
export function copies(dir, name, source, count) {
  return ensure(join(dir, name), (path) => {
    mkdirSync(path, { recursive: true })
    const ext = source.slice(source.indexOf('.', source.lastIndexOf('/')))
    for (let i = 0; i < count; i++)
      copyFileSync(source, join(path, `p${String(i).padStart(5, '0')}${ext}`))
  })
}

/**
 * A folder `name` of `count` pprof files of one program (one call tree of `functions`
 * functions), `samples` samples each, drawn with a different seed per file.
 */
export function pprofSet(dir, name, count, samples, functions) {
  return ensure(join(dir, name), async (path) => {
    mkdirSync(path, { recursive: true })
    const { writePprof } = await import(join(ROOT, 'packages/pprof/dist/index.js'))
    for (let i = 0; i < count; i++) {
      const profile = await sampledProfile(samples, functions, 7, 1000 + i)
      profile.meta.duration = 60e9 // a minute per host
      writeFileSync(join(path, `p${String(i).padStart(5, '0')}.pb.gz`), writePprof(profile))
    }
  })
}

export function sizeOf(path) {
  return readFileSync(path, { flag: 'r' }).length
}
