import { mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fixturePath } from '@profconv/testkit'
import { cli } from './cli-io.js'

/** The label lines of the box whose first line is `name` in dot output. */
function label(dot: string, name: string): string[] | undefined {
  for (const [, text] of dot.matchAll(/^\t\d+ \[.*?label="((?:[^"\\]|\\.)*)"/gm)) {
    const lines = text.split('\\n')
    if (lines[0] === name) return lines
  }
  return undefined
}

describe('--compare <base>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profconv-compare-'))
  const now = join(dir, 'now.folded')
  const base = join(dir, 'base.folded')
  writeFileSync(now, 'main;work 60\nmain;leaf 40\n')
  writeFileSync(base, 'main;work 80\nmain;leaf 20\n')

  test('reads the base and draws the change of each function', async () => {
    const plain = await cli([now, '-t', 'dot'])
    expect(label(plain.stdout, 'work')).toEqual(['work', '60.00%', '(60.00%)'])
    const r = await cli([now, '-t', 'dot', '--compare', base])
    expect(r.code).toBe(0)
    expect(label(r.stdout, 'work')).toEqual(['work', '60.00%', '(60.00%)', '-20.00% (-20.00%)'])
    expect(label(r.stdout, 'leaf')).toEqual(['leaf', '40.00%', '(40.00%)', '+20.00% (+20.00%)'])
    expect(r.stdout).toContain('color="#ff0000"')
    expect(plain.stdout).not.toContain('±')
  })

  test('the base may be of another format; --compare-tolerance reaches the writer', async () => {
    const prof = fixturePath('pstats/recursion.prof')
    const r = await cli([prof, '-t', 'dot', '--compare', prof, '--compare-tolerance', '5'])
    expect(r.code).toBe(0)
    const boxes = [...r.stdout.matchAll(/^\t\d+ \[color="([^"]*)".*label="([^"]*)"/gm)]
    expect(boxes.length).toBeGreaterThan(3)
    for (const [, color, text] of boxes) {
      expect(color).toBe('#d9d9d9')
      expect(text).toMatch(/±0\.00% \(±0\.00%\)$/)
    }
    const other = await cli([now, '-t', 'dot', '--compare', prof])
    expect(other.code).toBe(0)
    expect(label(other.stdout, 'work')!.at(-1)).toBe('new')
    expect(other.stderr).toMatch(/note: --compare: .* functions of the base .* not in this profile/)
  })

  test('-t svg draws the comparison too', async () => {
    const r = await cli([now, '-t', 'svg', '--compare', base])
    expect(r.code).toBe(0)
    const text = r.stdout.replace(/&#45;/g, '-') // Graphviz writes '-' as a character reference
    expect(text).toContain('-20.00% (-20.00%)')
    expect(text).toContain('+20.00% (+20.00%)')
  })

  test('formats that draw no comparison refuse it; a missing base is an input error', async () => {
    const r = await cli([now, '-t', 'folded', '--compare', base])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--compare: folded output cannot draw a comparison/)
    const missing = await cli([now, '-t', 'dot', '--compare', join(dir, 'nothing.prof')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/nothing\.prof: no such file/)
  })
})

describe('--compare and view with the pictures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profconv-pictures-'))
  const now = join(dir, 'now.folded')
  const base = join(dir, 'base.folded')
  writeFileSync(now, 'main;work 60\nmain;leaf 40\n')
  writeFileSync(base, 'main;work 80\nmain;leaf 20\n')

  test('-t flamegraph --compare draws widths of the input, the base in data-b, red for growth', async () => {
    const r = await cli([now, '-t', 'flamegraph', '--compare', base])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Differential: widths from this profile')
    expect(r.stdout).toMatch(
      /data-w="40" data-b="20"[^>]*><title>leaf \(40 samples, 40\.00%; \+20\.00% of total vs base\)/,
    )
    expect(r.stdout).toMatch(
      /data-w="60" data-b="80"[^>]*><title>work .*?-20\.00% of total vs base/,
    )
  })

  test('view --no-open writes the HTML report and prints its path', async () => {
    const out = join(dir, 'report.html')
    const r = await cli(['view', now, '--no-open', '-o', out])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${out}\n`)
    const html = readFileSync(out, 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('id="profconv-data"')
    const temp = await cli(['view', now, '--no-open'])
    expect(temp.stdout.trim()).toMatch(/profconv-now\.folded-\d+\.html$/)
    expect(readFileSync(temp.stdout.trim(), 'utf8')).toContain('id="profconv-data"')
    unlinkSync(temp.stdout.trim())
  })
})
