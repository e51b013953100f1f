// Sums the jest results every package wrote (jest --json --outputFile=jest-results.json) into
// the one line CI reads: `N passed, N failed`. Exits 1 when a package has no results or a test
// failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', 'packages')
let passed = 0
let failed = 0
let missing = []
for (const name of readdirSync(root).sort()) {
  const pkg = JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8'))
  if (!pkg.scripts?.test?.includes('jest')) continue
  const file = join(root, name, 'jest-results.json')
  if (!existsSync(file)) {
    missing.push(name)
    continue
  }
  const r = JSON.parse(readFileSync(file, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites
}
if (missing.length > 0) console.log(`no test results from: ${missing.join(', ')}`)
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed > 0 || missing.length > 0 ? 1 : 0
