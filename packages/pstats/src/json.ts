import {
  ProfconvError,
  maybeGunzip,
  parseJson,
  type Profile,
  type ReadOptions,
  type WriteOptions,
} from '@profconv/model'
import { entriesToProfile, profileToEntries, type CallerValue, type PstatsEntry } from './stats.js'

const FORMAT = 'pstats-json'

/**
 * pstats JSON: the data of a binary pstats file as documented JSON (schema:
 * `@profconv/pstats/schema/pstats-json.schema.json`). Lossless both ways with the binary form:
 * keys are pstats' own (`~` and line 0 for builtins), times in seconds, caller values as
 * `{nc, cc, tt, ct}` or, from Python's `profile` module, `{calls}`.
 */
export interface PstatsJson {
  format: 'pstats-json'
  version: 1
  unit: 'seconds'
  functions: PstatsJsonFunction[]
}

export interface PstatsJsonKey {
  file: string
  line: number
  name: string
}

export interface PstatsJsonFunction extends PstatsJsonKey {
  cc: number
  nc: number
  tt: number
  ct: number
  callers: PstatsJsonCaller[]
}

export type PstatsJsonCaller = PstatsJsonKey &
  ({ nc: number; cc: number; tt: number; ct: number } | { calls: number })

export function writePstatsJson(profile: Profile, options: WriteOptions = {}): string {
  const doc: PstatsJson = {
    format: FORMAT,
    version: 1,
    unit: 'seconds',
    functions: profileToEntries(profile, options.metric).map((e) => ({
      ...e.key,
      cc: e.cc,
      nc: e.nc,
      tt: e.tt,
      ct: e.ct,
      callers: e.callers.map(({ key, value }) =>
        typeof value === 'number'
          ? { ...key, calls: value }
          : { ...key, nc: value[0], cc: value[1], tt: value[2], ct: value[3] },
      ),
    })),
  }
  return JSON.stringify(doc, null, 1) + '\n'
}

export function readPstatsJson(bytes: Uint8Array, options: ReadOptions = {}): Profile {
  const doc = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT)
  if (!isObject(doc) || doc.format !== FORMAT) {
    throw new ProfconvError(FORMAT, `the top level must be an object with "format": "${FORMAT}"`)
  }
  if (doc.unit !== 'seconds') throw new ProfconvError(FORMAT, `"unit" must be "seconds"`)
  if (!Array.isArray(doc.functions)) throw new ProfconvError(FORMAT, `"functions" must be an array`)
  const entries = doc.functions.map((f: unknown, i: number): PstatsEntry => {
    const where = `functions[${i}]`
    const fn = toKey(f, where)
    const [cc, nc, tt, ct] = numbers(f as Record<string, unknown>, ['cc', 'nc', 'tt', 'ct'], where)
    const callers = (f as Record<string, unknown>).callers
    if (!Array.isArray(callers))
      throw new ProfconvError(FORMAT, `${where}.callers must be an array`)
    return {
      key: fn,
      cc,
      nc,
      tt,
      ct,
      callers: callers.map((c: unknown, j: number) => {
        const at = `${where}.callers[${j}]`
        const key = toKey(c, at)
        const record = c as Record<string, unknown>
        const value: CallerValue =
          'calls' in record
            ? numbers(record, ['calls'], at)[0]
            : (numbers(record, ['nc', 'cc', 'tt', 'ct'], at) as [number, number, number, number])
        return { key, value }
      }),
    }
  })
  return entriesToProfile(entries, FORMAT)
}

function toKey(v: unknown, where: string): PstatsJsonKey {
  if (!isObject(v)) throw new ProfconvError(FORMAT, `${where} must be an object`)
  if (typeof v.file !== 'string' || typeof v.name !== 'string' || !Number.isInteger(v.line)) {
    throw new ProfconvError(
      FORMAT,
      `${where} needs "file" and "name" strings and an integer "line"`,
    )
  }
  return { file: v.file, line: v.line as number, name: v.name }
}

function numbers(v: Record<string, unknown>, names: string[], where: string): number[] {
  return names.map((name) => {
    const x = v[name]
    if (typeof x !== 'number') throw new ProfconvError(FORMAT, `${where}.${name} must be a number`)
    // JSON allows 1e999, which parses to Infinity.
    if (!Number.isFinite(x)) throw new ProfconvError(FORMAT, `${where}.${name} is too large`)
    return x
  })
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
