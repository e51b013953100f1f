import { writeDot, type DotOptions } from '../src/index.js'
import { graphProfile, parseDot, stackProfile } from './helpers.js'

/** main (self 10) → work (self 60) → leaf (self 20); main → log (self 10). Total 100 ms. */
const before = () =>
  graphProfile({ main: 10, work: 60, leaf: 20, log: 10 }, [
    'main>work:80:2',
    'work>leaf:20:7',
    'main>log:10:1',
  ])
/** The same program where work got faster (self 60 → 30), leaf (20 → 30) and log slower (10 → 30). */
const after = () =>
  graphProfile({ main: 10, work: 30, leaf: 30, log: 30 }, [
    'main>work:60:2',
    'work>leaf:30:7',
    'main>log:30:1',
  ])
const draw = (options: DotOptions = {}, profile = after()) => parseDot(writeDot(profile, options))
const red = (hex: string) => parseInt(hex.slice(1, 3), 16)
const green = (hex: string) => parseInt(hex.slice(3, 5), 16)

describe('--compare (options.base)', () => {
  test('labels carry the change of total and self as % of the base total', () => {
    const plain = draw()
    const diff = draw({ base: before() })
    // work: total 80 → 60 (-20%), self 60 → 30 (-30%); leaf 20 → 30; log 10 → 30; main same.
    expect(plain.nodes.get('work')!.label).toEqual(['work', '60.00%', '(30.00%)', '1×'])
    expect(diff.nodes.get('work')!.label).toEqual([
      'work',
      '60.00%',
      '(30.00%)',
      '1×',
      '-20.00% (-30.00%)',
    ])
    expect(diff.nodes.get('leaf')!.label.at(-1)).toBe('+10.00% (+10.00%)')
    expect(diff.nodes.get('log')!.label.at(-1)).toBe('+20.00% (+20.00%)')
    expect(diff.nodes.get('main')!.label.at(-1)).toBe('±0.00% (±0.00%)')
    expect(diff.edges.get('work -> leaf')!.label).toEqual(['30.00%', '7×', '+10.00%'])
    expect(diff.edges.get('main -> work')!.label).toEqual(['60.00%', '2×', '-20.00%'])
  })

  test('colours: slower red, faster green, unchanged grey, unlike the heat colours', () => {
    const plain = draw()
    const diff = draw({ base: before() })
    const colour = (name: string) => diff.nodes.get(name)!.attrs.color
    expect(colour('log')).toBe('#ff0000') // the largest change, slower
    expect(colour('work')).toBe('#00cc00') // as large, faster
    expect(red(colour('leaf'))).toBeGreaterThan(green(colour('leaf')))
    expect(colour('leaf')).not.toBe('#ff0000')
    expect(colour('main')).toBe('#d9d9d9')
    expect(colour('log')).not.toBe(plain.nodes.get('log')!.attrs.color)
    expect(diff.edges.get('main -> log')!.attrs.color).toBe('#ff0000')
    expect(diff.edges.get('main -> work')!.attrs.color).toBe('#00cc00')
    expect(diff.nodes.get('log')!.attrs.fontcolor).toBe('black')
  })

  test('--compare-tolerance: changes within it are grey', () => {
    const base = before()
    expect(draw({ base }).nodes.get('leaf')!.attrs.color).not.toBe('#d9d9d9')
    const tolerant = draw({ base, compareTolerance: 15 })
    expect(tolerant.nodes.get('leaf')!.attrs.color).toBe('#d9d9d9')
    expect(tolerant.nodes.get('log')!.attrs.color).toBe('#ff0000')
    expect(() => draw({ base, compareTolerance: -1 })).toThrow(/compare-tolerance/)
  })

  test('frames are matched by identity, then by looser keys, and said so', () => {
    // The base (a sample profile, another kind of source) has its files in another directory
    // and work on another line; a same-named function from another file stays apart.
    const base = stackProfile(['main;work 50', 'main;other 50'], (name) => ({
      name: name === 'other' ? 'log' : name,
      file: name === 'other' ? '/elsewhere/other.c' : `/build/${name}.c`,
      line: name === 'work' ? 7 : undefined,
    }))
    const now = after()
    const diff = parseDot(writeDot(now, { base }))
    // work: total 60 now, 50 before; self 30 now, 50 before; of a base total of 100.
    expect(diff.nodes.get('work')!.label.at(-1)).toBe('+10.00% (-20.00%)')
    expect(diff.nodes.get('leaf')!.label.at(-1)).toBe('new')
    // /src/log.c and /elsewhere/other.c differ in base name: not the same function.
    expect(diff.nodes.get('log')!.label.at(-1)).toBe('new')
    expect(diff.edges.get('work -> leaf')!.label.at(-1)).toBe('new')
    const notes = now.meta.notes.join('\n')
    expect(notes).toMatch(/2 by name and file base name/)
    expect(notes).toMatch(/1 functions of the base above the node threshold .*: log/)
    // A base without files (folded stacks) matches by name alone.
    const folded = stackProfile(['main;work 50', 'main;log 50'])
    const byName = parseDot(writeDot(after(), { base: folded }))
    expect(byName.nodes.get('log')!.label.at(-1)).toBe('-20.00% (-20.00%)')
  })

  test('times in other units are converted; units that do not convert compare shares', () => {
    const scaled = (factor: number, metric: { name: string; unit: string }) => {
      const base = before()
      base.metrics[0] = metric
      for (const n of base.graph!.nodes) {
        n.self[0] *= factor
        n.total[0] *= factor
      }
      for (const e of base.graph!.edges) e.total[0] *= factor
      return base
    }
    const seconds = scaled(1 / 1000, { name: 'cpu', unit: 'seconds' })
    expect(draw({ base: seconds }).nodes.get('leaf')!.label.at(-1)).toBe('+10.00% (+10.00%)')
    const counted = scaled(3, { name: 'instructions', unit: 'count' })
    const now = after()
    const diff = parseDot(writeDot(now, { base: counted }))
    expect(diff.nodes.get('leaf')!.label.at(-1)).toBe('+10.00% (+10.00%)')
    expect(now.meta.notes.join()).toMatch(/no metric 'cpu'.*scaled to this profile's total/)
  })
})
