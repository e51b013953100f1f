import {
  closeSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { execFileSync, spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { convert } from '@profconv/core'
import { fixture, fixturePath } from '@profconv/testkit'
import { main } from '../src/index.js'
import { writeOutput } from '../src/output.js'
import { cli } from './cli-io.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'profconv-output-'))

describe('outputs written in pieces (chrome-trace)', () => {
  const input = fixturePath('cpuprofile/workload.cpuprofile')
  // what the writer makes whole (`write`), as the library converts
  const expected = () =>
    Buffer.from(convert(fixture('cpuprofile/workload.cpuprofile'), { to: 'chrome-trace' }).output)

  test('-o, a stdout stream and a stdout file all get the bytes the writer makes whole', async () => {
    const dir = tmp()
    const out = join(dir, 'out.trace.json')
    expect((await cli([input, '-t', 'chrome-trace', '-q', '-o', out])).code).toBe(0)
    expect(readFileSync(out).equals(expected())).toBe(true)
    expect(readdirSync(dir)).toEqual(['out.trace.json'])

    const piped = await cli([input, '-t', 'chrome-trace', '-q'])
    expect(piped.code).toBe(0)
    expect(Buffer.from(piped.stdout).equals(expected())).toBe(true)

    // stdout that is a file (`> out`): written there directly, nothing goes through the stream
    const file = join(dir, 'stdout.json')
    const fd = openSync(file, 'w')
    const stdout = Object.assign(new PassThrough(), { fd })
    let streamed = 0
    stdout.on('data', (c: Buffer) => (streamed += c.length))
    const code = await main([input, '-t', 'chrome-trace', '-q'], {
      stdout,
      stderr: new PassThrough(),
    })
    closeSync(fd)
    expect(code).toBe(0)
    expect(streamed).toBe(0)
    expect(readFileSync(file).equals(expected())).toBe(true)
  })

  test('a writer failing half way leaves no file and keeps the old one', async () => {
    const dir = tmp()
    const out = join(dir, 'out.json')
    writeFileSync(out, 'old contents')
    const failing = (sink: (chunk: Uint8Array) => void) => {
      sink(new Uint8Array(1000).fill(65))
      throw new Error('disk on fire')
    }
    await expect(writeOutput(failing, out, new PassThrough())).rejects.toThrow('disk on fire')
    expect(readFileSync(out, 'utf8')).toBe('old contents')
    expect(readdirSync(dir)).toEqual(['out.json'])
  })

  test('pieces to a stream are copies: the writer may fill its buffer again', async () => {
    const stream = new PassThrough()
    const got: Buffer[] = []
    stream.on('data', (c: Buffer) => got.push(c))
    const reused = new Uint8Array(4)
    const ok = await writeOutput(
      (sink) => {
        for (const byte of [65, 66, 67]) sink(reused.fill(byte))
      },
      undefined,
      stream,
    )
    expect(ok).toBe(true)
    expect(Buffer.concat(got).toString()).toBe('AAAABBBBCCCC')
  })
})

describe('-o that is not a plain file', () => {
  const dot = ['-t', 'dot', '-q', fixturePath('pstats/recursion.prof')]

  test('a named pipe (as /dev/null is a device) is written where it is, not replaced by a file', async () => {
    const dir = tmp()
    const fifo = join(dir, 'pipe')
    execFileSync('mkfifo', [fifo])
    // Read by another process, stopped at the end: a pipe replaced by a file never unblocks it.
    const reader = spawn('cat', [fifo])
    const got: Buffer[] = []
    reader.stdout.on('data', (c: Buffer) => got.push(c))
    const done = new Promise<void>((resolve) => reader.on('close', () => resolve()))
    const run = await cli([...dot, '-o', fifo])
    const stop = setTimeout(() => reader.kill(), 5000)
    await done
    clearTimeout(stop)
    expect(run.code).toBe(0)
    expect(statSync(fifo).isFIFO()).toBe(true)
    expect(Buffer.concat(got).toString()).toBe((await cli(dot)).stdout)
    expect(readdirSync(dir)).toEqual(['pipe'])
  })

  test('through a symbolic link the file is replaced and the link kept', async () => {
    const dir = tmp()
    const file = join(dir, 'real.dot')
    const link = join(dir, 'link.dot')
    writeFileSync(file, 'old')
    symlinkSync(file, link)
    expect((await cli([...dot, '-o', link])).code).toBe(0)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe((await cli(dot)).stdout)
    expect(readdirSync(dir).sort()).toEqual(['link.dot', 'real.dot'])
  })
})
