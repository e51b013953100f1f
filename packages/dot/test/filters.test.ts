import { writeDot, type DotOptions } from '../src/index.js'
import { graphProfile, parseDot, stackProfile } from './helpers.js'

/**
 * 100 ms of samples: main;parse;lex 30, main;parse 10, main;render;lex 20, main;render;gc 25,
 * main;gc 15. lex lives in lexer.c, the others in app.c.
 */
const stacks = () =>
  stackProfile(
    ['main;parse;lex 30', 'main;parse 10', 'main;render;lex 20', 'main;render;gc 25', 'main;gc 15'],
    (name) => ({ name, file: name === 'lex' ? '/src/lexer.c' : '/src/app.c' }),
  )

/** Every box as `name total% (self%)`, every arrow as `a -> b total%` (+ ` dotted`). */
function summary(options: DotOptions, profile = stacks()): string[] {
  const { nodes, edges } = parseDot(writeDot(profile, { nodeThres: 0, edgeThres: 0, ...options }))
  return [
    ...[...nodes].map(([name, n]) => `${name} ${n.label.slice(1, 3).join(' ')}`),
    ...[...edges].map(
      ([key, e]) => `${key} ${e.label[0]}${e.attrs.style === 'dotted' ? ' dotted' : ''}`,
    ),
  ].sort()
}

describe('pprof-style filters re-attribute cost on stacks, exactly', () => {
  test('no filter', () => {
    expect(summary({})).toEqual([
      'gc 40.00% (40.00%)',
      'lex 50.00% (50.00%)',
      'main -> gc 15.00%',
      'main -> parse 40.00%',
      'main -> render 45.00%',
      'main 100.00% (0.00%)',
      'parse -> lex 30.00%',
      'parse 40.00% (10.00%)',
      'render -> gc 25.00%',
      'render -> lex 20.00%',
      'render 45.00% (0.00%)',
    ])
  })

  test('--focus keeps only stacks through a match (percentages stay of the whole)', () => {
    expect(summary({ focus: '^render$' })).toEqual([
      'gc 25.00% (25.00%)',
      'lex 20.00% (20.00%)',
      'main -> render 45.00%',
      'main 45.00% (0.00%)',
      'render -> gc 25.00%',
      'render -> lex 20.00%',
      'render 45.00% (0.00%)',
    ])
  })

  test('--ignore drops stacks through a match; regexes also match files', () => {
    expect(summary({ ignore: 'lexer\\.c' })).toEqual([
      'gc 40.00% (40.00%)',
      'main -> gc 15.00%',
      'main -> parse 10.00%',
      'main -> render 25.00%',
      'main 50.00% (0.00%)',
      'parse 10.00% (10.00%)',
      'render -> gc 25.00%',
      'render 25.00% (0.00%)',
    ])
  })

  test('--hide moves a frame’s cost to its caller and joins across it', () => {
    expect(summary({ hide: ['^parse$', '^gc$'] })).toEqual([
      'lex 50.00% (50.00%)',
      'main -> lex 30.00% dotted',
      'main -> render 45.00%',
      'main 100.00% (25.00%)',
      'render -> lex 20.00%',
      'render 45.00% (25.00%)',
    ])
  })

  test('--show keeps only matching frames', () => {
    expect(summary({ show: '^(main|lex)$' })).toEqual([
      'lex 50.00% (50.00%)',
      'main -> lex 50.00% dotted',
      'main 100.00% (50.00%)',
    ])
  })

  test('--node-count keeps the heaviest and joins them with dotted residual edges', () => {
    const profile = stacks()
    expect(summary({ nodeCount: 3 }, profile)).toEqual([
      'lex 50.00% (50.00%)',
      'main -> lex 30.00% dotted',
      'main -> render 45.00%',
      'main 100.00% (25.00%)',
      'render -> lex 20.00%',
      'render 45.00% (25.00%)',
    ])
    expect(profile.meta.notes.join()).toMatch(/kept the 3 heaviest of 5 functions/)
    // A count at or above the functions shown changes nothing.
    expect(summary({ nodeCount: 5 })).toEqual(summary({}))
  })

  test('a bad regex is a clear error', () => {
    expect(() => writeDot(stacks(), { focus: '(' })).toThrow(/--focus '\(' is not a regular/)
  })
})

describe('filters on a call graph work on estimated stacks and say so', () => {
  const graph = () =>
    graphProfile({ main: 10, parse: 10, render: 0, lex: 50, gc: 30 }, [
      'main>parse:40:1',
      'main>render:50:2',
      'parse>lex:30:3',
      'render>lex:20:4',
      'render>gc:30:5',
    ])

  test('--hide on an acyclic graph matches the exact answer, call counts kept', () => {
    const profile = graph()
    const { nodes, edges } = parseDot(writeDot(profile, { hide: '^parse$' }))
    expect(nodes.get('main')!.label.slice(1)).toEqual(['100.00%', '(20.00%)', '1×'])
    expect(edges.get('main -> lex')!.label).toEqual(['30.00%'])
    expect(edges.get('main -> lex')!.attrs.style).toBe('dotted')
    expect(edges.get('render -> gc')!.label).toEqual(['30.00%', '5×'])
    expect(profile.meta.notes.join()).toMatch(/estimated from the call graph/)
  })

  test('--focus drops call counts, which would be those of the whole profile', () => {
    const profile = graph()
    const { nodes } = parseDot(writeDot(profile, { focus: '^parse$' }))
    expect([...nodes.keys()].sort()).toEqual(['lex', 'main', 'parse'])
    expect(nodes.get('lex')!.label.slice(1)).toEqual(['30.00%', '(30.00%)'])
    expect(profile.meta.notes.join()).toMatch(/call counts are not shown/)
  })
})
