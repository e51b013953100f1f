import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { UsageError } from './input.js'
import { keepYoungGeneration } from './young-generation.js'

/** One input to read: a file, or `-` for stdin. */
export interface Source {
  path: string
  /** Found in a folder: read only if its content is a profile (others are left out, counted). */
  found?: boolean
}

/**
 * The command line's inputs as files: a folder stands for every file below it (recursively, in
 * name order; which of them are profiles is decided by their content when read), `@list` for
 * the paths in the file `list` (one per line), `@-` for the paths on stdin; `-` is stdin's data.
 * A file whose name starts with `@` is given as `./@name`.
 */
export async function expandInputs(
  inputs: readonly string[],
  stdin: NodeJS.ReadableStream | undefined,
): Promise<Source[]> {
  const sources: Source[] = []
  let stdinUse: string | undefined
  const useStdin = (as: string) => {
    if (stdinUse && stdinUse !== as)
      throw new UsageError(`stdin cannot be both ${stdinUse} and ${as}`)
    if (stdinUse === as) throw new UsageError(`${as} is given twice`)
    stdinUse = as
  }
  if (inputs.length > 1 || inputs.some((input) => input.startsWith('@'))) keepYoungGeneration()
  for (const input of inputs) {
    if (input === '-') {
      useStdin('an input (-)')
      sources.push({ path: '-' })
    } else if (input.startsWith('@')) {
      const list = input.slice(1)
      if (list === '-') useStdin('the list of inputs (@-)')
      const text = list === '-' ? await readText(stdin) : await readFile(list, 'utf8')
      for (const line of text.split(/\r?\n/)) {
        const path = line.trim()
        if (path !== '') await addPath(path, sources)
      }
    } else await addPath(input, sources)
  }
  if (sources.length === 0) throw new UsageError('no inputs: the lists and folders given are empty')
  return sources
}

/** A file as it is; a folder as every file below it. */
async function addPath(path: string, sources: Source[]): Promise<void> {
  let info
  try {
    info = await stat(path)
  } catch {
    sources.push({ path }) // reading it reports the problem with its name
    return
  }
  if (!info.isDirectory()) {
    sources.push({ path })
    return
  }
  keepYoungGeneration()
  const before = sources.length
  await walk(path, sources)
  if (sources.length === before) throw new UsageError(`${path}: the folder holds no files`)
}

/**
 * Every regular file below `dir`, in name order, depth first; symbolic links to files are
 * followed, to folders not (no loops). Iterative: no recursion on the folder depth.
 */
async function walk(dir: string, sources: Source[]): Promise<void> {
  const pending = [dir]
  while (pending.length > 0) {
    const at = pending.pop()!
    const entries = await readdir(at, { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const folders: string[] = []
    // `join(at, name)` for every name (one component: nothing to normalize but `at`), made
    // without join's normalizing: a folder of 30,000 files made ~14 MB of strings that way.
    const prefix = join(at, 'x').slice(0, -1)
    for (const entry of entries) {
      const path = prefix + entry.name
      if (entry.isDirectory()) folders.push(path)
      else if (entry.isFile()) sources.push({ path, found: true })
      else if (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile())
        sources.push({ path, found: true })
    }
    // Files of a folder before its subfolders; subfolders in name order.
    for (let i = folders.length - 1; i >= 0; i--) pending.push(folders[i])
  }
}

async function readText(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) throw new UsageError('no standard input to read the list of inputs (@-) from')
  const chunks: Buffer[] = []
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}
