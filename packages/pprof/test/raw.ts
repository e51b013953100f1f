/**
 * `go tool pprof -raw` output normalised for comparing two profiles "modulo ids": samples keyed
 * by their stacks written out as `function file:line` (locations' addresses and ids dropped)
 * and labels, values summed per key (pprof merges equal samples on load); mappings by file name;
 * the time to the microsecond.
 */
export function normaliseRaw(raw: string): { header: string[]; time: number; samples: string[] } {
  const lines = raw.split('\n')
  const header: string[] = []
  let time = NaN
  let at = 0
  for (; at < lines.length && lines[at] !== 'Samples:'; at++) {
    const line = lines[at]
    if (line.startsWith('Time: '))
      time = Date.parse(
        line
          .slice(6)
          .replace(/ \+0000 UTC$/, 'Z')
          .replace(' ', 'T'),
      )
    else if (!line.startsWith('Comment: ')) header.push(line)
  }
  header.push(lines[++at]) // sample types
  const raw_samples: { values: string; locs: string[]; labels: string[] }[] = []
  for (at++; at < lines.length && lines[at] !== 'Locations'; at++) {
    const m = /^\s*([-\d\s]+):\s*([\d\s]*)$/.exec(lines[at])
    if (m)
      raw_samples.push({
        values: m[1].trim(),
        locs: m[2].trim().split(/\s+/).filter(Boolean),
        labels: [],
      })
    else if (lines[at].trim()) raw_samples[raw_samples.length - 1].labels.push(lines[at].trim())
  }
  const locations = new Map<string, string[]>()
  let current: string[] = []
  for (at++; at < lines.length && lines[at] !== 'Mappings'; at++) {
    const m = /^\s*(\d+): 0x[0-9a-f]+ (?:M=\d+ )?(.*)$/.exec(lines[at])
    if (m) locations.set(m[1], (current = [m[2]]))
    else if (lines[at].trim()) current.push(lines[at].trim())
  }
  for (at++; at < lines.length; at++) {
    const m = /^\d+: \S+ (\S*)/.exec(lines[at])
    if (m) header.push(`mapping ${m[1]}`)
  }
  const sums = new Map<string, number[]>()
  for (const s of raw_samples) {
    const key = [...s.locs.map((id) => locations.get(id)!.join(' <- ')), ...s.labels.sort()].join(
      ' | ',
    )
    const values = s.values.split(/\s+/).map(Number)
    const sum = sums.get(key)
    sums.set(key, sum ? sum.map((v, i) => v + values[i]) : values)
  }
  const samples = [...sums].map(([key, values]) => `${values.join(' ')}: ${key}`).sort()
  return { header, time, samples }
}
