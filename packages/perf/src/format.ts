import type { FormatDescriptor } from '@profconv/model'
import { readPerfScript, readPerfScriptStream } from './read.js'
import { sniffPerfScript } from './sniff.js'

/** Linux `perf script` text output (input only). */
export const perfScriptFormat: FormatDescriptor = {
  name: 'perf-script',
  description: 'Linux perf script text output (read only)',
  extensions: ['.perf', '.perf-script'],
  sniff: sniffPerfScript,
  read: (bytes, options) => readPerfScript(bytes, options),
  readStream: (chunks, options) => readPerfScriptStream(chunks, options),
  options: [
    {
      flag: 'perf-threads',
      type: 'string',
      default: 'merge',
      choices: ['merge', 'separate'],
      description:
        'perf-script: merge threads into one profile (labelled comm/pid/tid) or one profile per thread',
    },
  ],
}
