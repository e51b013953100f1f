import type { FormatDescriptor, FormatOption, Profile, ReadOptions } from '@profconv/model'
import {
  pythonThreads,
  readPythonFolded,
  splitPythonThreads,
  type PythonDialect,
} from './python.js'
import { sniffAustin, sniffTachyonCollapsed } from './python-sniff.js'
import { readFolded, readFoldedStream } from './read.js'
import { sniffFolded } from './sniff.js'
import { writeFolded } from './write.js'

/** Brendan Gregg's folded (collapsed) stacks, the input of flamegraph.pl and most flame-graph tools. */
export const foldedFormat: FormatDescriptor = {
  name: 'folded',
  description: 'folded/collapsed stacks (a;b;c 42), as flamegraph.pl reads',
  extensions: ['.folded', '.collapsed'],
  sniff: sniffFolded,
  read: (bytes, options) => [readFolded(bytes, options)],
  readStream: async (chunks, options) => [await readFoldedStream(chunks, options)],
  writes: 'samples',
  write: (profile, options) => writeFolded(profile, options),
  options: [
    {
      flag: 'lenient',
      type: 'boolean',
      default: false,
      description: 'folded: skip bad lines (counted in a note) instead of failing',
    },
    {
      flag: 'frame-per-line',
      type: 'boolean',
      default: false,
      description:
        'folded: a name (file:line) frame (py-spy raw, austin -a) is one function per line, as before, not the function (name, file) with the line kept as position detail',
    },
  ],
}

/** The same format under the name `collapsed`. */
export const collapsedFormat: FormatDescriptor = {
  ...foldedFormat,
  name: 'collapsed',
  sniff: undefined,
}

/** Threads merged (labels) or one profile each, for the Python samplers' dialects. */
const THREADS_OPTION: FormatOption = {
  flag: 'python-threads',
  type: 'string',
  choices: ['merge', 'separate'],
  default: 'merge',
  description:
    'tachyon-collapsed, austin: merge threads into one profile (labelled thread) or one profile per thread',
}

function readThreads(bytes: Uint8Array, dialect: PythonDialect, options: ReadOptions): Profile[] {
  const format = dialect === 'tachyon' ? 'tachyon-collapsed' : 'austin'
  const separate = pythonThreads(options, format) === 'separate'
  const profile = readPythonFolded(bytes, dialect, options)
  return separate ? splitPythonThreads(profile) : [profile]
}

/** Python 3.15's sampling profiler, `python -m profiling.sampling --collapsed`. */
export const tachyonCollapsedFormat: FormatDescriptor = {
  name: 'tachyon-collapsed',
  description: 'Python 3.15 profiling.sampling --collapsed (tid:<id>;file.py:func:line … count)',
  extensions: [],
  sniff: sniffTachyonCollapsed,
  read: (bytes, options) => readThreads(bytes, 'tachyon', options),
  options: [THREADS_OPTION],
}

/** austin, the Python frame stack sampler: its collapsed samples, 1.x and 3.x. */
export const austinFormat: FormatDescriptor = {
  name: 'austin',
  description:
    'austin (Python sampler) samples, 1.x (Thread <id>;func (file);L<n>) and 3.x (P<pid>;T<tid>;file:func:line)',
  extensions: ['.austin'],
  sniff: sniffAustin,
  read: (bytes, options) => readThreads(bytes, 'austin', options),
  options: [
    THREADS_OPTION,
    {
      flag: 'austin-mode',
      type: 'string',
      choices: ['wall', 'cpu', 'memory'],
      description:
        'austin: the mode of an austin 1 file, which does not name it (memory: values in KB); austin 3 files say it themselves',
    },
  ],
}
