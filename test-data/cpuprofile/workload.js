// A small real workload for `node --cpu-prof` (scripts/fixtures-speedscope.mjs runs it):
// recursion, a hot loop, an anonymous callback and JSON work, for a few hundred milliseconds.
'use strict'

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}

function sieve(limit) {
  const composite = new Uint8Array(limit + 1)
  let count = 0
  for (let i = 2; i <= limit; i++) {
    if (composite[i]) continue
    count++
    for (let j = i * i; j <= limit; j += i) composite[j] = 1
  }
  return count
}

function words(n) {
  const out = []
  for (let i = 0; i < n; i++) out.push(((i * 2654435761) >>> 0).toString(36))
  return out
}

function sortAndCount(list) {
  const sorted = [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return sorted.filter((w) => w.length > 5).length
}

function roundTripJson(n) {
  const data = Array.from({ length: n }, (_, i) => ({ id: i, name: `item${i}`, tags: [i % 7, i % 11] }))
  return JSON.parse(JSON.stringify(data)).length
}

function main() {
  let total = 0
  const until = Date.now() + 300
  while (Date.now() < until) {
    total += fib(20)
    total += sieve(200000)
    total += sortAndCount(words(20000))
    total += roundTripJson(5000)
  }
  return total
}

console.log(main() > 0 ? 'ok' : 'unexpected')
