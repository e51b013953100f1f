// Times one reader in-process, without the CLI's start-up: `node parse.mjs <format> <file>
// [positions]` (with `positions`, source lines and addresses are kept, as for a → callgrind or
// → pprof conversion; without, function-level, as for → dot or → top).
// Prints {"ms": …, "cpuMs": …} (wall and CPU time of the reading) on stdout. Callgrind is read as a stream of 1 MiB chunks, as the CLI streams it.
import { createReadStream, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const [format, file, keep] = process.argv.slice(2)
const options = { positions: keep === 'positions' }
const { readCallgrindStream } = await import(join(ROOT, 'packages/callgrind/dist/index.js'))
const { getFormat } = await import(join(ROOT, 'packages/core/dist/index.js'))
const cpu = process.cpuUsage()
const start = performance.now()
const descriptor = getFormat(format)
const profiles =
  format === 'callgrind'
    ? await readCallgrindStream(createReadStream(file, { highWaterMark: 1 << 20 }), options)
    : descriptor.readStream
      ? await descriptor.readStream(createReadStream(file, { highWaterMark: 1 << 20 }), options)
      : descriptor.read(new Uint8Array(readFileSync(file)), options)
const ms = performance.now() - start
const used = process.cpuUsage(cpu)
const cpuMs = (used.user + used.system) / 1000
process.stdout.write(`${JSON.stringify({ ms, cpuMs, profiles: profiles.length })}\n`)
