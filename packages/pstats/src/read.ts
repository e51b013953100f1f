import { ProfconvError, maybeGunzip, type Profile, type ReadOptions } from '@profconv/model'
import { PyCode, PyDict, pyText, unmarshal, type PyValue } from './marshal.js'
import { SAMPLED_MARKER, sampledToProfile } from './sampled.js'
import { scanPstats } from './scan.js'
import {
  entriesToProfile,
  tableToProfile,
  type CallerValue,
  type PstatsEntry,
  type PstatsKey,
} from './stats.js'

const FORMAT = 'pstats'

/**
 * Reads a binary pstats file (`cProfile`/`profile` `-o` output, `pstats.Stats.dump_stats`,
 * yappi's `save(type='pstat')`) written by Python 2.7 or 3.x. Times are seconds.
 */
export function readPstats(bytes: Uint8Array, options: ReadOptions = {}): Profile {
  const data = maybeGunzip(bytes, FORMAT, options.maxInputSize)
  if (data.length === 0) throw new ProfconvError(FORMAT, 'empty file', { offset: 0 })
  // The fast path reads what Python writes; anything else (and every error) takes the general
  // decoder, which builds the whole marshal value first.
  const table = scanPstats(data)
  return table ? tableToProfile(table, FORMAT) : readMarshalTree(data, options.positions !== false)
}

/** The general path: the whole marshal value decoded, then checked entry by entry. */
export function readMarshalTree(data: Uint8Array, positions = false): Profile {
  const root = unmarshal(data, FORMAT)
  if (!(root instanceof PyDict)) {
    throw new ProfconvError(FORMAT, 'the marshalled value is not a dict of function statistics', {
      offset: 0,
    })
  }
  let sampled = false
  const entries: PstatsEntry[] = []
  root.entries.forEach(([key, value], i) => {
    if (isSampledMarker(key)) {
      if (value !== true) {
        throw new ProfconvError(FORMAT, `the ${SAMPLED_MARKER} marker is not True`, {
          offset: root.offsets[i],
        })
      }
      sampled = true
    } else {
      entries.push(toEntry(key, value, root.offsets[i]))
    }
  })
  return sampled ? sampledToProfile(entries, FORMAT, positions) : entriesToProfile(entries, FORMAT)
}

/** The key `("__sampled__",)` of Python 3.15's sampling profiler. */
function isSampledMarker(key: PyValue): boolean {
  return Array.isArray(key) && key.length === 1 && pyText(key[0]) === SAMPLED_MARKER
}

function toEntry(key: PyValue, value: PyValue, offset: number): PstatsEntry {
  const bad = (what: string): never => {
    throw new ProfconvError(FORMAT, `the entry here ${what}`, { offset })
  }
  const fn = toKey(key) ?? bad('has no (file, line, name) key')
  if (!Array.isArray(value) || value.length !== 5) return bad(`for ${fn.name} is not a 5-tuple`)
  const [cc, nc, tt, ct] = value
    .slice(0, 4)
    .map((v) => toNumber(v) ?? bad(`for ${fn.name} has a non-number (or inf, nan)`))
  const callersDict = value[4]
  if (!(callersDict instanceof PyDict)) return bad(`for ${fn.name} has no callers dict`)
  const callers = callersDict.entries.map(([k, v]) => {
    const caller = toKey(k) ?? bad(`for ${fn.name} has a caller without a (file, line, name) key`)
    let share: CallerValue | undefined
    if (Array.isArray(v) && v.length === 4) {
      const n = v.map(toNumber)
      if (n.every((x) => x !== undefined)) share = n as [number, number, number, number]
    } else {
      share = toNumber(v)
    }
    return { key: caller, value: share ?? bad(`for ${fn.name} has a malformed caller value`) }
  })
  return { key: fn, cc, nc, tt, ct, callers }
}

function toKey(v: PyValue): PstatsKey | undefined {
  if (!Array.isArray(v) || v.length !== 3) return undefined
  const file = pyText(v[0])
  const line = toNumber(v[1])
  const name = v[2] instanceof PyCode ? v[2].toString() : pyText(v[2])
  if (file === undefined || line === undefined || name === undefined) return undefined
  return { file, line, name }
}

/** A finite number: Python floats can be inf or nan, a profile's times and counts cannot. */
function toNumber(v: PyValue): number | undefined {
  const n =
    typeof v === 'number'
      ? v
      : typeof v === 'bigint'
        ? Number(v)
        : typeof v === 'boolean'
          ? Number(v)
          : undefined
  return n !== undefined && Number.isFinite(n) ? n : undefined
}
