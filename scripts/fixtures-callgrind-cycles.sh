#!/usr/bin/env bash
# Regenerates the call-cycle fixtures of test-data/callgrind/: real programs whose functions
# mostly sit in one big call cycle, run under valgrind's callgrind (default options):
#   rdparser.callgrind      a recursive-descent expression parser in C (src/rdparser.c)
#   cpython-json.callgrind  Debian's CPython running a small JSON workload (src/json_work.py)
# with the readings of each by the real callgrind_annotate (self, and --inclusive=yes), and,
# when $GPROF2DOT names gprof2dot.py (never part of the repository), gprof2dot's box totals
# (`name<TAB>total%` per drawn box, default thresholds) for the agreement test.
# Needs gcc, valgrind and /usr/bin/python3.
# usage: GPROF2DOT=/path/to/gprof2dot.py scripts/fixtures-callgrind-cycles.sh   (from the root)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/test-data/callgrind
src=$out/src
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

gcc -g -O1 -fno-inline -o rdparser "$src/rdparser.c"
valgrind --tool=callgrind --callgrind-out-file="$out/rdparser.callgrind" ./rdparser >/dev/null 2>&1
valgrind --tool=callgrind --callgrind-out-file="$out/cpython-json.callgrind" \
  /usr/bin/python3 "$src/json_work.py" >/dev/null 2>&1

chmod 644 "$out/rdparser.callgrind" "$out/cpython-json.callgrind"
for name in rdparser cpython-json; do
  base=$out/$name
  callgrind_annotate --threshold=100 --auto=no --show-percs=no --inclusive=no "$base.callgrind" >"$base.self.txt"
  callgrind_annotate --threshold=100 --auto=no --show-percs=no --inclusive=yes "$base.callgrind" >"$base.inclusive.txt"
  if [ -n "${GPROF2DOT:-}" ]; then
    # The label's line before the total is the function's name (the module, if any, above it).
    python3 "$GPROF2DOT" -f callgrind "$base.callgrind" |
      grep -v -- ' -> ' |
      sed -n 's/.*label="\([^"]*\)".*/\1/p' |
      awk -F'\\\\n' '{ for (i = 2; i <= NF; i++) if ($i ~ /^[0-9.]+%$/) { print $(i - 1) "\t" $i; break } }' \
        >"$base.gprof2dot.txt"
  fi
done
ls -la "$out"/rdparser.* "$out"/cpython-json.*
