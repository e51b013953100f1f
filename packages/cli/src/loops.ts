import { setFlagsFromString } from 'node:v8'

/**
 * Has V8 compile a hot loop (on-stack replacement) on the command's thread rather than
 * concurrently, for a command of one input (a merge keeps the default: its worker threads load
 * their bundle's code cache, which V8 takes only under the flags it was made with). Readers and
 * writers run many short loops once each (a loop per function: docs/performance.md), and a
 * concurrent compile often finished after its loop had ended, its code never used (18 of 54 on
 * the 10 MB callgrind bench file drawn with dot): there −60 ms of CPU (0.587 → 0.527 s), +20 ms
 * of wall time. Set after the bundle has loaded, so its code cache was taken.
 */
export function compileLoopsInline(): void {
  setFlagsFromString('--no-concurrent-osr')
}
