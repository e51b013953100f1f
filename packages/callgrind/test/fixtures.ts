/** The callgrind files scripts/fixtures-callgrind.sh writes into test-data/callgrind/. */
export const FIXTURES = [
  'rec-plain',
  'rec-instr',
  'rec-nocompress',
  'rec-cache',
  'rec-recs',
  'rec-parts',
  'rec-cachegrind',
  'threads-01',
  'threads-02',
  'threads-03',
  'yappi',
  'pprof',
  'inlined-O2',
]
