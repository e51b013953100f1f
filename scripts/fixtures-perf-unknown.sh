#!/bin/sh
# Regenerates test-data/perf/unknown.perf-script.txt and unknown.perf.data: real `perf record -g`
# of test-data/perf/unknown/main.c calling two stripped libraries (lib.c built as libfoo.so and
# libbar.so) whose hot loops have no symbol, so perf prints them `[unknown] (…/libfoo.so)`.
# perf.data is kept for `perf report`, the oracle of packages/perf's tests. Built in a fixed
# folder so the paths in the fixtures do not change between runs.
# Needs: gcc, perf (Debian linux-perf) allowed to sample (perf_event_paranoid <= 2).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/test-data/perf/unknown"
out=/tmp/profconv-perf-unknown
rm -rf "$out" && mkdir -p "$out"
for lib in foo:3 bar:5; do
  name=${lib%%:*}
  gcc -O0 -fno-omit-frame-pointer -fPIC -shared -s -DLIBSEED="${lib#*:}" \
    -DLIBENTRY="${name}_work" -o "$out/lib$name.so" "$src/lib.c"
done
gcc -O0 -g -fno-omit-frame-pointer -o "$out/unknown" "$src/main.c" -L"$out" -lfoo -lbar \
  -Wl,-rpath,"$out"
perf record -q -e cpu-clock -F 299 -g -o "$root/test-data/perf/unknown.perf.data" "$out/unknown"
perf script -i "$root/test-data/perf/unknown.perf.data" >"$root/test-data/perf/unknown.perf-script.txt"
rm -rf "$out"
