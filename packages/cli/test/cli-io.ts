import { PassThrough, Readable } from 'node:stream'
import { main, type Io } from '../src/index.js'

/** Runs `main` in-process and collects what it printed. */
export async function cli(args: string[], stdin?: Uint8Array, io: Partial<Io> = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: io.stdout?.isTTY })
  const stderr = Object.assign(new PassThrough(), { isTTY: io.stderr?.isTTY, columns: 100 })
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', (c) => out.push(c))
  stderr.on('data', (c) => err.push(c))
  const code = await main(args, {
    ...io,
    stdout,
    stderr,
    stdin: stdin ? Readable.from([Buffer.from(stdin)]) : undefined,
  })
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }
}
