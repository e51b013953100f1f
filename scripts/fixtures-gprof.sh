#!/usr/bin/env bash
# Regenerates test-data/gprof/: real gprof reports of the small C programs in
# test-data/gprof/src (built with `gcc -pg`), in the forms users meet: brief (`-b`, flat profile
# and call graph), the default with gprof's explanations, flat profile only (`-b -p`), call
# graph only (`-b -q`) and BSD's layout (`-b -T`: call graph, then flat profile); and a
# callgrind run of the same programs built without -pg, whose call counts the tests compare
# with gprof's. Needs gcc, binutils (gprof) and valgrind.
# usage: scripts/fixtures-gprof.sh      (from the repository root)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/test-data/gprof
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
for prog in recursion cycle; do
  # -no-pie: gprof attributes samples of position-independent executables to the wrong symbols.
  gcc -pg -O0 -no-pie -fno-pie -o "$prog" "$out/src/$prog.c"
  ./"$prog" >/dev/null
  gprof -b "$prog" gmon.out >"$out/$prog.gprof"
  gprof -b -p "$prog" gmon.out >"$out/$prog.flat.gprof"
  gprof -b -q "$prog" gmon.out >"$out/$prog.graph.gprof"
  gprof "$prog" gmon.out >"$out/$prog.full.gprof"
  gprof -b -T "$prog" gmon.out >"$out/$prog.traditional.gprof"
  gcc -O0 -g -o "$prog-plain" "$out/src/$prog.c"
  valgrind --tool=callgrind --separate-recs=1 --callgrind-out-file="$out/$prog.callgrind" "./$prog-plain" \
    >/dev/null 2>&1
done
