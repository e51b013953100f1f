// CPU (wall) and heap profiles written by @datadog/pprof for profconv's pprof tests.
const { time, heap, encode } = require('@datadog/pprof')
const fs = require('fs')
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }
function work(ms) { const end = Date.now() + ms; let s = 0; while (Date.now() < end) s += fib(18); return s }
async function main() {
  heap.start(512 * 1024, 64)
  time.start({ durationMillis: 600, intervalMicros: 1000 })
  const keep = []
  for (let i = 0; i < 2000; i++) keep.push(new Array(256).fill(i))
  work(500)
  const wall = time.stop()
  fs.writeFileSync(process.argv[2] + '/node-wall.pb.gz', await encode(wall))
  fs.writeFileSync(process.argv[2] + '/node-heap.pb.gz', await encode(heap.profile()))
  console.log(keep.length)
}
main()
