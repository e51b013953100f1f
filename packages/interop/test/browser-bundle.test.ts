import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const PACKAGES = join(dirname(fileURLToPath(import.meta.url)), '../..')

/** Every published library package: all but the CLI (Node by design) and private helpers. */
const libraries = readdirSync(PACKAGES)
  .filter((dir) => existsSync(join(PACKAGES, dir, 'package.json')))
  .map((dir) => ({
    dir,
    json: JSON.parse(readFileSync(join(PACKAGES, dir, 'package.json'), 'utf8')),
  }))
  .filter(({ dir, json }) => !json.private && !['cli', 'testkit'].includes(dir))
  .map(({ dir }) => dir)

/** Node-only globals that would throw in a page (`typeof process` guards are fine). */
const NODE_GLOBALS =
  /(?<![.\w$])(?:process\.(?:env|argv|exit|stdout|stderr|cwd|platform)|Buffer\.(?:from|alloc|concat)|__dirname|__filename|require\.resolve)\b/g

describe('browser bundles (esbuild, platform=browser)', () => {
  test('the library packages are found', () => {
    expect(libraries).toEqual(expect.arrayContaining(['model', 'core', 'pstats', 'pprof', 'top']))
  })

  test.each(libraries)(
    '@profconv/%s bundles for the browser with no Node built-in',
    async (dir) => {
      const entry = join(PACKAGES, dir, 'dist/index.js')
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run pnpm build first`)
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        metafile: true,
      }).catch((error: { errors?: { text: string; location?: { file: string } }[] }) => {
        // esbuild refuses node:fs & co. for the browser: name every one and who imports it.
        const lines = (error.errors ?? []).map((e) => `${e.text} (in ${e.location?.file})`)
        throw new Error(lines.join('\n') || String(error))
      })
      const inputs = Object.keys(result.metafile.inputs)
      expect(inputs.filter((i) => /^node:|^(fs|path|zlib|os|child_process)$/.test(i))).toEqual([])
      const code = result.outputFiles[0].text
      const unguarded = [...code.matchAll(NODE_GLOBALS)].map((m) => m[0])
      expect(unguarded).toEqual([])
    },
  )
})
