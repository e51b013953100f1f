import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Ajv } from 'ajv'
import type { SpeedscopeFile } from '../src/index.js'

const require = createRequire(import.meta.url)
const schemaPath = join(
  dirname(require.resolve('speedscope/package.json')),
  'dist/release/file-format-schema.json',
)

const ajv = new Ajv({ allErrors: true, strict: false })
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')))

/**
 * Problems of a speedscope file: speedscope's published JSON schema, then what the schema
 * cannot say (equal lengths, frame indices in range, balanced and ordered events).
 */
export function speedscopeProblems(text: string): string[] {
  const file = JSON.parse(text) as SpeedscopeFile
  if (!validate(file)) return validate.errors!.map((e) => `${e.instancePath} ${e.message}`)
  const problems: string[] = []
  const n = file.shared.frames.length
  const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < n
  if (file.activeProfileIndex !== undefined && !(file.activeProfileIndex < file.profiles.length)) {
    problems.push(`activeProfileIndex ${file.activeProfileIndex} out of range`)
  }
  file.profiles.forEach((p, k) => {
    if (p.type === 'sampled') {
      if (p.samples.length !== p.weights.length) problems.push(`profile ${k}: lengths differ`)
      if (!p.samples.every((s) => s.every(inRange)))
        problems.push(`profile ${k}: frame index out of range`)
      if (p.weights.some((w) => !(w >= 0))) problems.push(`profile ${k}: negative weight`)
      const total = p.weights.reduce((a, b) => a + b, 0)
      if (Math.abs(p.endValue - p.startValue - total) > 1e-9 * Math.max(1, total)) {
        problems.push(
          `profile ${k}: endValue - startValue ${p.endValue - p.startValue} != sum of weights ${total}`,
        )
      }
    } else {
      const open: number[] = []
      let last = -Infinity
      for (const e of p.events) {
        if (!inRange(e.frame)) problems.push(`profile ${k}: frame index out of range`)
        if (e.at < last) problems.push(`profile ${k}: events out of order`)
        last = e.at
        if (e.type === 'O') open.push(e.frame)
        else if (open.pop() !== e.frame) problems.push(`profile ${k}: unbalanced close`)
      }
      if (open.length > 0) problems.push(`profile ${k}: unclosed frames`)
    }
  })
  return problems
}

export function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value))
}
