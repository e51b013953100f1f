import { setFlagsFromString } from 'node:v8'

let growing = false

/**
 * Lets V8 grow the young generation again (its default), which the bin shims (bin/load.js) keep
 * at its first size when the command and each worker thread start. Start-up, listing a folder's
 * files and folding pprof files make objects that die young or are kept to the end; yet V8
 * doubles the young generation each time enough of them survived its collections, step by step
 * up to 16 MB semi-spaces, at moments that depend on timing: a 30,000-file merge peaked at 127 or
 * 147 MB, at ~103 MB with it kept (3,000 files: 86 → 78 MB), for no measurable CPU. A profile
 * read whole (cProfile and every other format, or a large pprof file) makes many objects that
 * live longer, for which a larger young generation saves collections: reading one calls this.
 */
export function letYoungGenerationGrow(): void {
  if (growing) return
  growing = true
  setFlagsFromString('--semi-space-growth-factor=2')
}
