import { closeSync, fstatSync, openSync, writeSync } from 'node:fs'
import { realpath, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** A writer that hands its output out in pieces (`FormatDescriptor.writeStream`). */
export type StreamWriter = (sink: (chunk: Uint8Array) => void) => void

/**
 * Writes an output to `path`, or to `stdout` without one; false when stdout's reader went away
 * (`| head`), which is not an error. The output is whole (`data`) or made piece by piece
 * (`stream`): then no more than a piece is held, except on a stdout that is not a file.
 */
export async function writeOutput(
  data: string | Uint8Array | StreamWriter,
  path: string | undefined,
  stdout: NodeJS.WritableStream,
): Promise<boolean> {
  if (typeof data !== 'function') {
    if (path === undefined) return writeOut(stdout, data)
    await writeAtomically(path, (temp) => writeFile(temp, data))
    return true
  }
  if (path !== undefined) {
    await writeAtomically(path, async (temp) => writeFileSyncFrom(temp, data))
    return true
  }
  const fd = (stdout as { fd?: unknown }).fd
  if (typeof fd === 'number' && fstatSync(fd).isFile()) {
    // A file: written where it is, as the stream would write it (synchronously).
    data((chunk) => writeAll(fd, chunk))
    return true
  }
  return writeStreamOut(stdout, data)
}

/**
 * Writes to a temporary file beside `path` and renames it: an error never leaves half a file.
 * A `path` that is not a file (a device such as /dev/null, a named pipe, a socket) is written
 * where it is: renaming over it would replace the device with a file (as root, /dev/null).
 * Through a symbolic link, the file it names is replaced and the link is kept.
 */
async function writeAtomically(
  path: string,
  write: (temp: string) => Promise<void>,
): Promise<void> {
  let target = path
  try {
    if (!(await stat(path)).isFile()) return await write(path)
    target = await realpath(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`)
  try {
    await write(temp)
    await rename(temp, target)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
}

/** The pieces of `write` into the file `path`, each written before the next is made. */
function writeFileSyncFrom(path: string, write: StreamWriter): void {
  const fd = openSync(path, 'w')
  try {
    write((chunk) => writeAll(fd, chunk))
  } finally {
    closeSync(fd)
  }
}

function writeAll(fd: number, chunk: Uint8Array): void {
  for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at)
}

/** The pieces of `write` to a stream (copied: the stream may hold them after the call). */
async function writeStreamOut(
  stream: NodeJS.WritableStream,
  write: StreamWriter,
): Promise<boolean> {
  let gone = false
  let failure: Error | undefined
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') gone = true
    else failure ??= error
  }
  stream.on('error', onError)
  try {
    let last: Promise<void> = Promise.resolve()
    write((chunk) => {
      if (gone || failure) return
      last = new Promise((resolve) => stream.write(chunk.slice(), () => resolve()))
    })
    await last
  } finally {
    stream.removeListener('error', onError)
  }
  if (failure) throw failure
  return !gone
}

/** False when the reader closed the pipe (`| head`): not an error. */
export function writeOut(
  stream: NodeJS.WritableStream,
  data: string | Uint8Array,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' ? resolve(false) : reject(error)
    stream.once('error', onError)
    stream.write(data, (error) => {
      stream.removeListener('error', onError)
      if (!error) resolve(true)
      else onError(error as NodeJS.ErrnoException)
    })
  })
}
