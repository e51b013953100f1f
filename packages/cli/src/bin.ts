import { main } from './main.js'

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
})
// No top-level await: the bundle is CommonJS, so that bin/profconv.js can load it with V8's
// code cache (build.mjs).
void main(process.argv.slice(2), process).then((code) => {
  process.exitCode = code
})
