import type { FormatDescriptor } from '@profconv/model'
import { readChromeTrace } from './read.js'
import { sniffChromeTrace } from './sniff.js'
import { writeChromeTrace, writeChromeTraceStream } from './write.js'

/** Chrome's Trace Event Format (chrome://tracing, Perfetto, DevTools Performance, Node). */
export const chromeTraceFormat: FormatDescriptor = {
  name: 'chrome-trace',
  description:
    'Chrome trace event JSON (chrome://tracing, Perfetto, DevTools Performance, node --trace-events-enabled)',
  extensions: ['.trace.json', '.trace.json.gz'],
  sniff: sniffChromeTrace,
  read: (bytes, options) => readChromeTrace(bytes, options),
  writes: 'samples',
  write: (profile, options) => writeChromeTrace(profile, options),
  writeStream: (profile, options, sink) => writeChromeTraceStream(profile, options, sink),
}
