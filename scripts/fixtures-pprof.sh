#!/usr/bin/env bash
# Regenerates test-data/pprof: real profiles written by Go's runtime/pprof (stdlib only, no
# network) and the readings of `go tool pprof` that the tests compare against.
# usage: scripts/fixtures-pprof.sh          (needs go ≥ 1.19 on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
out=test-data/pprof
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
export GOCACHE=${GOCACHE:-$(mktemp -d)}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

for prog in cpu heap; do
  (cd "$out/src/$prog" && go build -o "$bin/$prog" .)
  "$bin/$prog" "$out/$prog.pb.gz"
done

# @datadog/pprof (Node): ships prebuilt binaries inside the npm package, nothing is compiled.
node_dir=$(mktemp -d)
(cd "$node_dir" && npm init -y >/dev/null && npm i --ignore-scripts --no-audit --no-fund \
  @datadog/pprof@5.20.0 >/dev/null && cp "$OLDPWD/$out/src/node/prof.cjs" . && node prof.cjs "$node_dir")
cp "$node_dir/node-wall.pb.gz" "$node_dir/node-heap.pb.gz" "$out/"
rm -rf "$node_dir"

# Oracle readings: every sample type's -top (exact units, nothing elided) and -raw.
# -nodecount=0 -nodefraction=0 keep every function; -unit=ns / -unit=B keep time and space
# unscaled so values compare exactly (counts are printed unscaled already).
reading() { # file sample_index unit
  local unit=
  case $3 in nanoseconds) unit=-unit=ns ;; bytes) unit=-unit=B ;; esac
  go tool pprof -top -nodecount=0 -nodefraction=0 -edgefraction=0 $unit \
    -sample_index="$2" "$1" 2>/dev/null
}
for prog in cpu heap node-wall node-heap; do
  f=$out/$prog.pb.gz
  types=$(go tool pprof -raw "$f" 2>/dev/null | sed -n 's/^PeriodType:.*//;/^Samples:/{n;p;q}')
  for t in $types; do
    reading "$f" "${t%%/*}" "${t#*/}" > "$out/$prog.top.${t%%/*}.txt"
  done
  go tool pprof -raw "$f" > "$out/$prog.raw.txt" 2>/dev/null
done
ls -l "$out"
