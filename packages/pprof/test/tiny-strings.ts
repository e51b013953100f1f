/**
 * The string table of the small hand-made profiles of read.test.ts and fold.test.ts (their
 * `tiny()`): sample type, function names, file, mapping, and label keys, values and units.
 */
export const TINY_STRINGS: readonly string[] = [
  '',
  'cpu',
  'nanoseconds',
  'main',
  'parse',
  'lex',
  'app.go',
  'app',
  'thread',
  'T1',
  'size',
  'bytes',
]
