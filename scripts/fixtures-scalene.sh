#!/usr/bin/env bash
# Regenerates test-data/scalene/work.scalene.json: Debian's scalene 1.5.16 (python3-scalene, the
# old flat JSON form: per-line CPU and memory percentages, elapsed time) on programs/work.py.
set -euo pipefail
cd "$(dirname "$0")/../test-data/scalene/programs"
/usr/bin/python3 -m scalene --json --outfile ../work.scalene.json --cli work.py > /dev/null
ls -l ..
