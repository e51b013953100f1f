import { readFileSync } from 'node:fs'
import { basename, delimiter, dirname, isAbsolute, join } from 'node:path'

/**
 * The text of the source file a profile names, found as `go tool pprof -list` finds it: the
 * path as it is; else, searched below each folder of `searchPath` (`:`-separated, default the
 * current folder) and its parents, the path cut after a component named like that folder
 * (`/build/host/repo/src/a.go` with `--source-path ~/repo` finds `~/repo/src/a.go`) or made
 * relative. Undefined when it cannot be read.
 */
export function readSource(path: string, searchPath?: string): string | undefined {
  const file = path.startsWith('file://') ? decodeURIComponent(path.slice(7)) : path
  const dirs = (searchPath || process.cwd()).split(delimiter).filter(Boolean)
  const candidates: string[] = []
  const slashed = file.replace(/\\/g, '/')
  let relative = file
  for (const dir of dirs) {
    const want = `/${basename(dir)}/`
    const at = slashed.indexOf(want)
    if (at >= 0) {
      relative = file.slice(at + want.length)
      break
    }
  }
  if (relative === file) {
    for (const prefix of ['/proc/self/cwd/./', '/proc/self/cwd/'])
      if (file.startsWith(prefix)) relative = file.slice(prefix.length)
  }
  if (isAbsolute(relative)) candidates.push(relative)
  else
    for (const start of dirs)
      for (let dir = start; ; dir = dirname(dir)) {
        candidates.push(join(dir, relative))
        if (dirname(dir) === dir) break
      }
  if (isAbsolute(file)) candidates.push(file)
  for (const candidate of candidates) {
    try {
      return readFileSync(candidate, 'utf8')
    } catch {
      // not there: the next candidate
    }
  }
  return undefined
}
