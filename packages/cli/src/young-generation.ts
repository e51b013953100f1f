import { setFlagsFromString } from 'node:v8'

let growing = false

/**
 * Keeps V8's young generation at its size, as a merge's worker threads start with it (bin
 * shims, bin/load.js): called when the command's inputs are several files, a folder or a list,
 * before they are listed, and by `merge` from its start. Listing a folder's files and folding pprof files make objects that die
 * young or are kept to the end; yet V8 doubles the young generation each time enough of them
 * survived its collections, step by step up to 16 MB semi-spaces, at moments that depend on
 * timing: a 30,000-file merge peaked at 127 or 147 MB, at ~103 MB with it kept (3,000 files:
 * 86 → 78 MB), for no measurable CPU. One input keeps V8's default from the start (the command
 * starts under the flags its code cache was made with): a 10 MB callgrind file drawn with dot
 * had twice the scavenges (~8 ms of CPU) when the young generation stayed small until it was read.
 */
export function keepYoungGeneration(): void {
  growing = false
  setFlagsFromString('--semi-space-growth-factor=1')
}

/**
 * Lets V8 grow the young generation again (its default). A profile read whole (cProfile and
 * every other format, or a large pprof file) makes many objects that live longer, for which a
 * larger young generation saves collections: reading one calls this.
 */
export function letYoungGenerationGrow(): void {
  if (growing) return
  growing = true
  setFlagsFromString('--semi-space-growth-factor=2')
}
