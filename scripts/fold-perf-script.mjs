#!/usr/bin/env node
// Folds `perf script` output (read on stdin) into Brendan Gregg's collapsed stacks on stdout,
// in the manner of stackcollapse-perf.pl: the command name as the root frame, symbols without
// their +0x offsets, `_[k]` after kernel symbols, one count per sample, lines sorted.
// usage: perf script | node scripts/fold-perf-script.mjs > out.folded
import { createInterface } from 'node:readline'

const counts = new Map()
let comm = null
let frames = []

function flush() {
  if (comm !== null && frames.length > 0) {
    const stack = [comm, ...frames.reverse()].join(';')
    counts.set(stack, (counts.get(stack) ?? 0) + 1)
  }
  comm = null
  frames = []
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') {
    flush()
  } else if (!/^\s/.test(line)) {
    flush()
    const header = /^(\S.*?)\s+\d+(?:\/\d+)?\s/.exec(line)
    comm = header ? header[1] : line.split(/\s/)[0]
  } else {
    const frame = /^\s+[0-9a-f]+\s+(.+?)\s+\((.*)\)$/.exec(line)
    if (!frame) continue
    const symbol = frame[1].replace(/\+0x[0-9a-f]+$/, '')
    frames.push(frame[2] === '[kernel.kallsyms]' ? `${symbol}_[k]` : symbol)
  }
}
flush()
for (const stack of [...counts.keys()].sort()) process.stdout.write(`${stack} ${counts.get(stack)}\n`)
