#!/bin/sh
# Regenerates test-data/perf/srcline.perf-script.txt: real `perf record -g` of
# test-data/folded/workload.c (built with -g), printed by `perf script -F +srcline`, so every
# frame line is followed by its source line (`file:line`, `??:0`, `:0`, `[kernel.kallsyms][addr]`).
# Needs: gcc, perf (Debian linux-perf) allowed to sample (perf_event_paranoid <= 2).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O0 -g -fno-omit-frame-pointer -o "$tmp/workload" "$root/test-data/folded/workload.c"
perf record -q -e cpu-clock -F 299 -g -o "$tmp/perf.data" "$tmp/workload" >/dev/null
perf script -F +srcline -i "$tmp/perf.data" >"$root/test-data/perf/srcline.perf-script.txt"
