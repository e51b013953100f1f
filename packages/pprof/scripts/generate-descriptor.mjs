// Regenerates src/generated/profile-descriptor.ts (protobufjs reflection JSON) from
// proto/profile.proto. usage (in packages/pprof): node scripts/generate-descriptor.mjs
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import protobuf from 'protobufjs'

const root = protobuf.loadSync(new URL('../proto/profile.proto', import.meta.url).pathname)
const out = new URL('../src/generated/profile-descriptor.ts', import.meta.url).pathname
writeFileSync(
  out,
  `// Generated from proto/profile.proto by \`node scripts/generate-descriptor.mjs\`; do not edit.\n` +
    `export const profileDescriptor = ${JSON.stringify(root.toJSON())}\n`,
)
execFileSync('npx', ['prettier', '--write', out], { stdio: 'inherit' })
