import { maybeGunzip, parseJson, type Profile, type ReadOptions } from '@profconv/model'
import { isObject } from './json.js'
import { readGecko } from './read-gecko.js'
import { readProcessed } from './read-processed.js'
import { FORMAT, fail } from './thread-builder.js'

/**
 * Reads a Firefox Profiler file, gzipped or not: the processed format (`meta.preprocessedProfileVersion`,
 * or an unannotated one whose threads hold a `stringArray`) or the raw Gecko format
 * (`meta.version`, `{schema, data}` tables). Returns one Profile per thread (and per thread's
 * allocation table), in file order, each with one metric: `samples` (count), `time`
 * (milliseconds, weight type `tracing-ms`) or `space` (bytes). Categories and markers are not read.
 */
export function readFirefox(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const file = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT)
  if (!isObject(file)) fail('the file is not a JSON object')
  const meta = file.meta
  if (!isObject(meta)) fail("missing 'meta'")
  const threads = file.threads
  const processed =
    typeof meta.preprocessedProfileVersion === 'number' ||
    (Array.isArray(threads) && isObject(threads[0]) && 'stringArray' in threads[0])
  const profiles = processed
    ? readProcessed(
        file,
        typeof meta.preprocessedProfileVersion === 'number' ? meta.preprocessedProfileVersion : 0,
      )
    : readGecko(file, typeof meta.version === 'number' ? meta.version : 0)
  if (profiles.length === 0) fail('the profile has no threads')
  return profiles
}
