// Serves the built page (dist/) on 127.0.0.1 only: a plain static file server with no
// dependency, for trying the page locally (`pnpm web` from the repository root).
// usage: node serve.mjs [port]   (default 8080; PORT also works; 0 picks a free one)
import { createServer } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

/** Starts serving `root` on 127.0.0.1:`port`; resolves to the server once it listens. */
export function serve(root, port = 8080) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname)
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path))
    if (file !== root && !file.startsWith(root + sep)) return answer(response, 403)
    try {
      if (!(await stat(file)).isFile()) return answer(response, 404)
      const body = await readFile(file)
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      })
      response.end(request.method === 'HEAD' ? undefined : body)
    } catch {
      answer(response, 404)
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

function answer(response, status) {
  response.writeHead(status, { 'content-type': 'text/plain' })
  response.end(`${status}\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('dist', import.meta.url))
  try {
    await stat(join(root, 'index.html'))
  } catch {
    console.error('profconv web: dist/ is not built; run `pnpm web:build` first')
    process.exit(1)
  }
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080)
  const server = await serve(root, port)
  console.log(`profconv web page: http://127.0.0.1:${server.address().port}/  (Ctrl-C stops)`)
}
