// Times one reader in-process, without the CLI's start-up: `node parse.mjs <format> <file>
// [positions] [--write <target>]` (with `positions`, source lines and addresses are kept, as for
// a → callgrind or → pprof conversion; without, function-level, as for → dot or → top).
// Prints {"ms": …, "cpuMs": …} (wall and CPU time of the reading) on stdout. Callgrind is read as
// a stream of 1 MiB chunks, as the CLI streams it.
//
// With `--write <target>`, the profile read is then written as the CLI writes it (prepared for
// the target's view, pieces handed out by `writeStream` where the writer has one, a string
// encoded to UTF-8 bytes), the bytes counted and dropped: `writeMs`, `writeCpuMs` and `bytes`
// are the writer's own time, without the file system's (which on a virtual machine can take
// seconds to take a gigabyte into its page cache).
import { createReadStream, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const args = process.argv.slice(2)
const writeAt = args.indexOf('--write')
const target = writeAt >= 0 ? args.splice(writeAt, 2)[1] : undefined
const [format, file, keep] = args
const options = { positions: keep === 'positions' }
const { readCallgrindStream } = await import(join(ROOT, 'packages/callgrind/dist/index.js'))
const { getFormat, prepareFor } = await import(join(ROOT, 'packages/core/dist/index.js'))
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
const result = { ms, cpuMs, profiles: profiles.length }
if (target) Object.assign(result, write(getFormat(target), profiles[0]))
process.stdout.write(`${JSON.stringify(result)}\n`)

/** The writer's time for `profile`, its output counted and dropped. */
function write(to, profile) {
  const cpu = process.cpuUsage()
  const start = performance.now()
  const prepared = prepareFor(to, profile)
  let bytes = 0
  if (to.writeStream) to.writeStream(prepared, {}, (chunk) => (bytes += chunk.length))
  else {
    const output = to.write(prepared, {})
    bytes = (typeof output === 'string' ? Buffer.from(output) : output).length
  }
  const writeMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { writeMs, writeCpuMs: (used.user + used.system) / 1000, bytes }
}
