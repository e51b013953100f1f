import { frameText } from './dump.js'
import type { Profile } from './profile.js'
import { positionsOf } from './position-derive.js'
import { addressHex } from './positions.js'

/**
 * A normalised text dump of a profile's position detail, sorted: one line per self row
 * (`at fn (file) file:line @addr = v1,v2`) and per call site (`site a -> b file:line @addr = … xN`).
 * Empty when the profile has none. For snapshots and diffs.
 */
export function dumpPositions(profile: Profile): string {
  const d = positionsOf(profile)
  if (!d) return ''
  const M = d.metricCount
  const name = (f: number) => frameText(profile.frames.get(f))
  const where = (file: number, line: number, hi: number, lo: number) =>
    `${file < 0 ? '?' : d.files[file]}:${line}${hi !== 0 || lo !== 0 ? ` @${addressHex(hi, lo)}` : ''}`
  const values = (a: Float64Array, r: number) => Array.from(a.subarray(r * M, r * M + M)).join(',')
  const out: string[] = []
  const { lines, sites } = d
  for (let r = 0; r < lines.length; r++) {
    const at = where(lines.file[r], lines.line[r], lines.addressHi[r], lines.addressLo[r])
    out.push(`at ${name(lines.frame[r])} ${at} = ${values(lines.self, r)}`)
  }
  for (let r = 0; r < sites.length; r++) {
    const at = where(sites.file[r], sites.line[r], sites.addressHi[r], sites.addressLo[r])
    const calls = Number.isNaN(sites.calls[r]) ? '' : ` x${sites.calls[r]}`
    out.push(
      `site ${name(sites.caller[r])} -> ${name(sites.callee[r])} ${at} = ${values(sites.total, r)}${calls}`,
    )
  }
  return out.sort().join('\n')
}
