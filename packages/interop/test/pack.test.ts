import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fixturePath } from '@profconv/testkit'

const PACKAGES = join(dirname(fileURLToPath(import.meta.url)), '../..')

/** `@profconv/cli` and every workspace package it needs, transitively (folder names). */
function workspaceClosure(start: string): string[] {
  const seen = new Set<string>()
  const visit = (dir: string) => {
    if (seen.has(dir)) return
    seen.add(dir)
    const json = JSON.parse(readFileSync(join(PACKAGES, dir, 'package.json'), 'utf8'))
    for (const [name, range] of Object.entries<string>(json.dependencies ?? {}))
      if (range.startsWith('workspace:')) visit(name.replace('@profconv/', ''))
  }
  visit(start)
  return [...seen]
}

// One slow test: pack, install in a fresh folder as a user would, run the installed bin.
test('the packed CLI installs in a fresh folder and runs info and a conversion', () => {
  const root = mkdtempSync(join(tmpdir(), 'profconv-pack-'))
  const tarballs = join(root, 'tarballs')
  const app = join(root, 'app')
  mkdirSync(app)
  const packages = workspaceClosure('cli')
  expect(packages).toEqual(expect.arrayContaining(['cli', 'core', 'model', 'pstats', 'top']))
  for (const dir of packages) {
    // pnpm pack rewrites workspace:* ranges to the packages' versions.
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: join(PACKAGES, dir),
      stdio: 'pipe',
    })
  }
  const files = readdirSync(tarballs).map((f) => join(tarballs, f))
  expect(files).toHaveLength(packages.length)
  for (const file of files) {
    const manifest = execFileSync('tar', ['-xOzf', file, 'package/package.json'], {
      encoding: 'utf8',
    })
    expect(manifest).not.toContain('workspace:')
  }
  execFileSync('npm', ['init', '-y'], { cwd: app, stdio: 'pipe' })
  // Our packages from the local tarballs only; third-party ones from npm's cache when there.
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...files],
    { cwd: app, stdio: 'pipe', timeout: 240_000 },
  )
  const profconv = (...args: string[]) =>
    execFileSync(join(app, 'node_modules/.bin/profconv'), args, { cwd: app, encoding: 'utf8' })

  const info = profconv('info', fixturePath('pstats/recursion.prof'))
  expect(info).toMatch(/format +pstats/)
  expect(info).toMatch(/calls +65430 \(7387 primitive\)/)
  const folded = profconv(fixturePath('pprof/cpu.pb.gz'), '-t', 'folded', '-m', 'samples')
  expect(folded).toMatch(/^runtime\.main .*;main\.fib \([^)]*\) \d+$/m)
  const top = profconv(fixturePath('pstats/recursion.prof'), '-t', 'top', '--limit', '1')
  expect(top).toMatch(/is_even/)
  // -t svg: Graphviz's thread runs viz.js's worker script, found from the installed bundle.
  const svg = profconv(fixturePath('pstats/recursion.prof'), '-t', 'svg')
  expect(svg.match(/<g id="node\d+" class="node">/g)?.length).toBe(8)
  expect(profconv('--version').trim()).toBe(
    JSON.parse(readFileSync(join(PACKAGES, 'cli/package.json'), 'utf8')).version,
  )
}, 300_000)
