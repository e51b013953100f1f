import type { FormatDescriptor } from '@profconv/model'
import { readPprof } from './read.js'
import { sniffPprof } from './sniff.js'
import { writePprof } from './write.js'

/** pprof's profile.proto, gzipped or not: Go, `@datadog/pprof`, Pyroscope, Parca, perf_to_profile. */
export const pprofFormat: FormatDescriptor = {
  name: 'pprof',
  description: 'pprof profile.proto (gzipped protobuf): Go, Datadog, Pyroscope, Parca',
  extensions: ['.pb.gz', '.pb', '.pprof', '.pprof.gz'],
  sniff: sniffPprof,
  read: (bytes, options) => [readPprof(bytes, options)],
  writes: 'samples',
  usesPositions: true,
  write: (profile, options) => writePprof(profile, options),
  options: [
    {
      flag: 'gzip',
      type: 'boolean',
      default: true,
      description: 'pprof: gzip the output (--no-gzip for raw protobuf)',
    },
    {
      flag: 'prune-frames',
      type: 'boolean',
      default: true,
      description: "pprof: apply the profile's drop_frames/keep_frames as go tool pprof does",
    },
  ],
}
