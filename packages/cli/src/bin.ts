// The bundle's entry (dist/profconv.cjs): bin/profconv.js calls `run`, or `main` with sample
// commands while recording V8's code cache at build time.
import { main } from './main.js'

export { main }

export async function run(): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  process.exitCode = await main(process.argv.slice(2), process)
}
