import type { Frame } from '@profconv/model'

/** The categories profconv writes (`Other`, grey, first: the profiler's default category). */
export const CATEGORIES = [
  { name: 'Other', color: 'grey', subcategories: ['Other'] },
  { name: 'JavaScript', color: 'yellow', subcategories: ['Other'] },
  { name: 'Python', color: 'blue', subcategories: ['Other'] },
  { name: 'Native', color: 'orange', subcategories: ['Other'] },
] as const

const OTHER = 0
const JAVASCRIPT = 1
const PYTHON = 2
const NATIVE = 3

/**
 * A frame's category by its language, judged from its file: `.js`/`.mjs`/`.cjs`/`.ts` files and
 * web URLs are JavaScript, `.py` files Python; frames with a module (binary) or a C/C++/Rust/Go
 * source are Native; the rest Other.
 */
export function categoryOf(frame: Frame): number {
  const file = frame.file ?? ''
  if (
    /\.(?:[cm]?js|jsx|tsx?)$/i.test(file) ||
    /^(?:https?|file|chrome|resource|moz-extension):/.test(file)
  )
    return JAVASCRIPT
  if (/\.pyw?$/i.test(file)) return PYTHON
  if (frame.module || /\.(?:c|cc|cpp|cxx|h|hpp|rs|go|s)$/i.test(file)) return NATIVE
  return OTHER
}
