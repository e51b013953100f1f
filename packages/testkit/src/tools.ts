import { spawnSync } from 'node:child_process'

const found = new Map<string, boolean>()

/** True when `command` is on the PATH. */
export function hasTool(command: string): boolean {
  if (!found.has(command)) {
    found.set(command, spawnSync('sh', ['-c', `command -v ${command}`]).status === 0)
  }
  return found.get(command)!
}

/**
 * `describe` for tests that need a real tool (an oracle such as `dot` or `callgrind_annotate`).
 * Where the tool is missing the block is skipped with a message, except on CI (`CI` set), where
 * a missing oracle fails: CI must never skip one.
 */
export function describeWithTool(command: string, name: string, body: () => void): void {
  if (hasTool(command)) {
    describe(name, body)
  } else if (process.env.CI) {
    describe(name, () => {
      test(`needs ${command}`, () => {
        throw new Error(`${command} is not installed; .ci/run must install it`)
      })
    })
  } else {
    describe.skip(`${name} (skipped: ${command} not installed)`, body)
  }
}

/** Runs a command synchronously; throws with its stderr when it fails. Returns stdout. */
export function run(
  command: string,
  args: readonly string[],
  options: { input?: string | Uint8Array; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const result = spawnSync(command, args, {
    input: options.input,
    cwd: options.cwd,
    env: options.env ?? process.env,
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  })
  if (result.error) throw result.error
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  }
  return result.stdout
}

/**
 * `go tool pprof -top` of `files`, every row shown (no node, node-fraction or edge-fraction cut)
 * and nothing symbolized, with `flags` before the files: its output.
 */
export function goPprofTop(files: readonly string[], ...flags: string[]): string {
  return run('go', [
    'tool',
    'pprof',
    '-top',
    '-nodecount=0',
    '-nodefraction=0',
    '-edgefraction=0',
    '-symbolize=none',
    ...flags,
    ...files,
  ])
}
