#!/usr/bin/env bash
# Regenerates test-data/stackprof/: real `stackprof --json` files of test-data/stackprof/src/work.rb
# in the three modes (cpu, wall, object) with raw samples, one without (aggregates only), and
# stackprof's own `--text` report of each, which the tests compare with. Needs Debian's
# ruby-stackprof.
# usage: scripts/fixtures-stackprof.sh      (from the repository root)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/test-data/stackprof
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # run <name> <mode> <raw>
  ruby "$out/src/work.rb" "$2" "$work/$1.dump" "$3"
  stackprof --json "$work/$1.dump" >"$out/$1.json"
  stackprof --text --limit 1000 "$work/$1.dump" >"$out/$1.text.txt"
}
run cpu cpu true
run wall wall true
run object object true
run cpu-aggregate cpu false
