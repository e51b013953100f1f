import { ProfconvError } from '@profconv/model'

/**
 * pprof's `drop_frames` / `keep_frames` rule (Go's `profile.Prune`): a function whose simplified
 * name fully matches `drop` and not `keep` is removed from every stack with everything it
 * called, except that the frames from the root down to the first frame that is not dropped stay.
 * Works on locations given as lists of function names, leaf-most line first.
 */
export class FramePruner {
  private readonly drop: RegExp
  private readonly keep: RegExp | undefined
  private readonly cache = new Map<string, boolean>()

  constructor(drop: string, keep: string) {
    this.drop = compile(drop, 'drop_frames')
    this.keep = keep ? compile(keep, 'keep_frames') : undefined
  }

  /**
   * How a location fares: -1 when untouched; else the number of its lines (leaf-most first)
   * to cut, where cutting all of them removes the location.
   */
  linesToCut(functionNames: readonly string[]): number {
    for (let i = functionNames.length - 1; i >= 0; i--) {
      const name = functionNames[i]
      if (name !== '' && this.matches(name)) return i + 1
    }
    return -1
  }

  private matches(name: string): boolean {
    let hit = this.cache.get(name)
    if (hit === undefined) {
      const simple = simplifyName(name)
      hit = this.drop.test(simple) && !this.keep?.test(simple)
      this.cache.set(name, hit)
    }
    return hit
  }
}

/**
 * Cuts one sample's stack (location indexes, leaf first, `stack[0..length)`) the way pprof
 * does, given each location's verdict: untouched, a partial cut (the location stays, its callees
 * go) or a full cut (the location goes too). Frames before the first untouched one, from the
 * root, stay. Returns how many leaf-side entries go: the stack is then `stack[cut..length)`.
 */
export function pruneStack(
  stack: Int32Array,
  length: number,
  cut: (location: number) => 'none' | 'partial' | 'full',
): number {
  let foundUser = false
  for (let i = length - 1; i >= 0; i--) {
    const how = cut(stack[i])
    if (how === 'none') {
      foundUser = true
      continue
    }
    if (!foundUser) continue
    return how === 'full' ? i + 1 : i
  }
  return 0
}

/** Argument lists stripped (`f(int)` → `f`), except in `(anonymous namespace)` and `operator()`. */
function simplifyName(name: string): string {
  const f = name.startsWith('.') ? name.slice(1) : name
  const bracket = /\(anonymous namespace\)|operator\(\)|\(/g
  for (let m = bracket.exec(f); m; m = bracket.exec(f)) {
    if (m[0] === '(') return f.slice(0, m.index)
  }
  return f
}

function compile(pattern: string, field: string): RegExp {
  try {
    return new RegExp(`^(${pattern})$`)
  } catch {
    throw new ProfconvError(
      'pprof',
      `${field} is not a regular expression JavaScript understands: ${pattern} (read with pruneFrames: false to ignore it)`,
    )
  }
}
