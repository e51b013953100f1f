#!/usr/bin/env bash
# Dogfood: profile one profconv conversion with `node --cpu-prof`, then draw the profile's call
# graph with profconv itself (-t svg) and list its hot spots (scripts/bench/hot.mjs).
#   scripts/bench/dogfood.sh <input> <format> <out.svg>
# e.g. scripts/bench/dogfood.sh /tmp/profconv-bench/bench-100m.callgrind dot docs/profile-callgrind-100m-to-dot.svg
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
input="$1" format="$2" out="$3"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
node --cpu-prof --cpu-prof-dir="$dir" "$root/packages/cli/bin/profconv.js" "$input" -t "$format" -o "$dir/out" -q
profile="$(ls "$dir"/*.cpuprofile)"
node "$root/packages/cli/bin/profconv.js" "$profile" -t svg -o "$out" -q
node "$root/scripts/bench/hot.mjs" "$profile" 15
echo "dogfood: $out"
