import type { Profile, WriteOptions } from '@profconv/model'
import { MarshalWriter } from './marshal-writer.js'
import { profileToEntries, type PstatsKey } from './stats.js'

/**
 * Writes a binary pstats file as Python 3's `pstats.Stats.dump_stats` does (marshal version 4),
 * loadable by `pstats.Stats`, snakeviz and gprof2dot. Call graphs are written exactly; times are
 * converted to seconds from the chosen metric (`options.metric`).
 */
export function writePstats(profile: Profile, options: WriteOptions = {}): Uint8Array {
  const entries = profileToEntries(profile, options.metric)
  const out = new MarshalWriter()
  const keyRefs = new Map<string, number>()
  const writeKey = (key: PstatsKey) => {
    const id = `${key.file}\0${key.line}\0${key.name}`
    const known = keyRefs.get(id)
    if (known !== undefined) return out.backRef(known)
    keyRefs.set(id, out.tuple(3, true))
    out.str(key.file)
    out.int(key.line)
    out.str(key.name)
  }
  out.dictStart()
  for (const e of entries) {
    writeKey(e.key)
    out.tuple(5)
    out.int(e.cc)
    out.int(e.nc)
    out.float(e.tt)
    out.float(e.ct)
    out.dictStart()
    for (const { key, value } of e.callers) {
      writeKey(key)
      if (typeof value === 'number') {
        out.int(value)
      } else {
        out.tuple(4)
        out.int(value[0])
        out.int(value[1])
        out.float(value[2])
        out.float(value[3])
      }
    }
    out.dictEnd()
  }
  out.dictEnd()
  return out.finish()
}
