import { printf, writeDot, type DotOptions } from '../src/index.js'
import { graphProfile, parseDot, stackProfile } from './helpers.js'

/** main (self 10) → work (self 60) → leaf (self 20); main → log (self 10). Total 100 ms. */
const chain = () =>
  graphProfile({ main: 10, work: 60, leaf: 20, log: 10 }, [
    'main>work:80:2',
    'work>leaf:20:7',
    'main>log:10:1',
  ])

const draw = (options: DotOptions = {}, profile = chain()) => parseDot(writeDot(profile, options))
const names = (options: DotOptions, profile = chain()) =>
  [...draw(options, profile).nodes.keys()].sort()

describe('gprof2dot drawing options', () => {
  test('--colormap: each map colours the hot box its own way; print outlines in black', () => {
    const colours = ['color', 'pink', 'gray', 'bw', 'print'].map(
      (colormap) => draw({ colormap }).nodes.get('work')!.attrs.color,
    )
    expect(new Set(colours.slice(0, 3)).size).toBe(3)
    expect(colours[3]).toBe('#000000')
    const print = writeDot(chain(), { colormap: 'print' })
    expect(print).toContain('style=solid')
    expect(print).toContain('fontcolor="black"')
    expect(() => writeDot(chain(), { colormap: 'rainbow' })).toThrow(/colormap/)
  })

  test('--skew moves a mid-weight colour', () => {
    const plain = draw().nodes.get('leaf')!.attrs.color
    expect(draw({ skew: 4 }).nodes.get('leaf')!.attrs.color).not.toBe(plain)
    expect(draw({ skew: 0.25 }).nodes.get('leaf')!.attrs.color).not.toBe(plain)
  })

  test('--color-nodes-by-selftime: the box with most self cost is the hottest', () => {
    expect(draw().nodes.get('main')!.attrs.color).toBe('#ff0000')
    const bySelf = draw({ colorNodesBySelftime: true })
    expect(bySelf.nodes.get('work')!.attrs.color).toBe('#ff0000')
    expect(bySelf.nodes.get('main')!.attrs.color).not.toBe('#ff0000')
  })

  test('-z/--root with --depth, -l/--leaf', () => {
    expect(names({ root: 'work' })).toEqual(['leaf', 'work'])
    expect(names({ root: 'ma*', depth: 1 })).toEqual(['log', 'main', 'work'])
    expect(names({ root: ['work', 'log'] })).toEqual(['leaf', 'log', 'work'])
    expect(names({ leaf: 'leaf' })).toEqual(['leaf', 'main', 'work'])
    expect(names({ leaf: 'leaf', depth: 1 })).toEqual(['leaf', 'work'])
    const profile = chain()
    writeDot(profile, { root: 'nothing*' })
    expect(profile.meta.notes.join()).toMatch(/no shown function matches the root pattern/)
  })

  test('-p/--path keeps functions under a file prefix', () => {
    const profile = stackProfile(['main;lib;app 5', 'main;app 5'], (name) => ({
      name,
      file: name === 'lib' ? '/usr/lib/lib.py' : `/home/me/${name}.py`,
    }))
    expect(names({ path: '/home/' }, profile)).toEqual(['app', 'main'])
    expect(names({ path: ['/usr/', '/home/me/app'] }, profile)).toEqual(['app', 'lib'])
  })

  test('-s/--strip removes C++ argument lists, const and templates', () => {
    const profile = stackProfile(['main;ns::f<std::vector<int>>(char const*,(*)(int))_const 1'])
    const spaced = stackProfile(['x 1'], () => ({
      name: 'ns::Box<int>::get(std::map<int, long> const&) const',
    }))
    expect(names({}, profile)).toContain('ns::f<std::vector<int>>(char const*,(*)(int))_const')
    expect(names({ strip: true }, profile)).toContain('ns::f_const')
    expect(names({ strip: true }, spaced)).toEqual(['ns::Box::get'])
  })

  test('-w/--wrap folds long names at spaces', () => {
    const long = 'void some::very::long::name(std::map<int, int> const&, unsigned long long) const'
    const profile = stackProfile(['x 1'], () => ({ name: long }))
    const [node] = draw({}, profile).nodes.values()
    expect(node.label[0]).toBe(long)
    const wrapped = writeDot(profile, { wrap: true })
    const label = /label="([^"]*)"/.exec(wrapped.split('\n').find((l) => l.includes('some::'))!)![1]
    const lines = label.split('\\n')
    const nameLines = lines.slice(0, -2)
    expect(nameLines.length).toBeGreaterThanOrEqual(3)
    for (const l of nameLines) expect(l.length <= 32 || !l.includes(' ')).toBe(true)
    expect(nameLines.join('').replace(/ /g, '')).toBe(long.replace(/ /g, ''))
  })

  test('--node-label and --time-format; time units where the metric has one', () => {
    const work = (options: DotOptions) => draw(options).nodes.get('work')!.label.slice(1)
    expect(work({})).toEqual(['80.00%', '(60.00%)', '1×'])
    expect(work({ nodeLabel: ['total-time', 'self-time'] })).toEqual(['80 ms', '(60 ms)', '1×'])
    expect(work({ nodeLabel: 'total-time', timeFormat: '%.7g' })).toEqual(['0.08', '1×'])
    expect(work({ nodeLabel: ['self-time-percentage'] })).toEqual(['(60.00%)', '1×'])
    expect(() => writeDot(chain(), { nodeLabel: 'bogus' })).toThrow(/node-label/)
  })

  test('--show-samples shows self cost in samples when the period is known', () => {
    const profile = chain()
    profile.meta.period = { metric: { name: 'cpu', unit: 'milliseconds' }, value: 10 }
    expect(draw({ showSamples: true }, profile).nodes.get('work')!.label).toContain('6 samples')
    expect(draw({}, profile).nodes.get('work')!.label.join()).not.toContain('samples')
  })

  test('--list-functions prints matching names instead of a graph', () => {
    expect(writeDot(chain(), { listFunctions: '+' }).split('\n').sort()).toEqual([
      '',
      'leaf\t/src/leaf.c',
      'log\t/src/log.c',
      'main\t/src/main.c',
      'work\t/src/work.c',
    ])
    expect(writeDot(chain(), { listFunctions: 'l*' })).toBe('leaf\t/src/leaf.c\nlog\t/src/log.c\n')
  })
})

describe('printf', () => {
  test.each([
    ['%.7g', 0.08, '0.08'],
    ['%.7g', 1234567890, '1.234568e+09'],
    ['%.3f s', 1.5, '1.500 s'],
    ['%g', 0.00001, '1e-05'],
    ['%8.2f|', -3.14159, '   -3.14|'],
    ['%d%%', 42.7, '42%'],
  ])('%s of %d', (format, value, expected) => {
    expect(printf(format, value)).toBe(expected)
  })
})
