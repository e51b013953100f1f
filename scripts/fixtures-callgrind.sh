#!/usr/bin/env bash
# Regenerates test-data/callgrind/: real callgrind files written by valgrind's callgrind and
# cachegrind (on the small C programs in test-data/callgrind/src), by yappi and by
# `go tool pprof -callgrind`, and the readings of each by the real `callgrind_annotate` (self
# cost per function, and inclusive). Needs gcc, valgrind, Debian's /usr/bin/python3 with yappi
# (python3-yappi) and golang-go.
# usage: scripts/fixtures-callgrind.sh      (from the repository root)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/test-data/callgrind
src=$out/src
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

gcc -g -O0 -o rec "$src/rec.c"
gcc -g -O0 -pthread -o threads "$src/threads.c"
# -O2 inlines vec.h's functions into inlined.c's: callgrind marks their lines with fi=/fe=.
gcc -g -O2 -o inlined "$src/inlined.c"

cg() { # cg <name> <program> [valgrind options…]
  local name=$1 prog=$2
  shift 2
  valgrind --tool=callgrind --callgrind-out-file="$out/$name.callgrind" "$@" "./$prog" \
    >/dev/null 2>&1
}
cg rec-plain rec
cg rec-instr rec --dump-instr=yes --collect-jumps=yes
cg rec-nocompress rec --compress-strings=no --compress-pos=no
cg rec-cache rec --cache-sim=yes --branch-sim=yes
cg rec-recs rec --separate-recs=6
cg rec-parts rec --combine-dumps=yes --dump-before=fill_and_sum
cg inlined-O2 inlined --dump-instr=yes
cg threads threads --separate-threads=yes
# valgrind names the per-thread files <file>-01, -02, …; give them the .callgrind ending.
for f in "$out"/threads.callgrind-*; do
  n=${f##*-}
  mv "$f" "$out/threads-$n.callgrind"
done
rm -f "$out/threads.callgrind"

# cachegrind writes the same format without calls (and with summary: last).
valgrind --tool=cachegrind --cachegrind-out-file="$out/rec-cachegrind.callgrind" ./rec \
  >/dev/null 2>&1

/usr/bin/python3 "$src/yappi_prog.py" "$out/yappi.callgrind"

mkdir gop
cp "$src/pprof_prog.go" gop/main.go
(
  cd gop
  export GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$work/gocache"
  go mod init pprofprog >/dev/null 2>&1
  go build -o prog .
  ./prog cpu.pprof
  go tool pprof -callgrind -output="$out/pprof.callgrind" prog cpu.pprof >/dev/null 2>&1
)

# The run-specific paths valgrind and yappi record (pid, command, build folder) are left as
# they are: the files are exactly what the tools wrote.
for f in "$out"/*.callgrind; do
  base=${f%.callgrind}
  callgrind_annotate --threshold=100 --auto=no --show-percs=no --inclusive=no "$f" >"$base.self.txt"
  callgrind_annotate --threshold=100 --auto=no --show-percs=no --inclusive=yes "$f" >"$base.inclusive.txt"
done
ls -la "$out"
