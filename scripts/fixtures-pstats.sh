#!/usr/bin/env bash
# Regenerates test-data/pstats: real cProfile / profile / yappi outputs of the small programs in
# test-data/pstats/programs, and Python's own pstats reading of each (*.oracle.json).
# Needs python3; yappi from Debian's python3-yappi (/usr/bin/python3); Python 2.7 through pyenv
# where present (the .py27 fixtures are kept as they are when it is not).
set -euo pipefail
cd "$(dirname "$0")/../test-data/pstats"
PY=${PY:-python3}
SYSPY=/usr/bin/python3
PY27=${PY27:-$HOME/.pyenv/versions/2.7.18/bin/python}
oracle=../../scripts/pstats-oracle.py

for prog in recursion builtins_gen asyncio_app classes; do
  $PY -m cProfile -o "$prog.prof" "programs/$prog.py"
  $PY "$oracle" "$prog.oracle.json" "$prog.prof"
done
# A second run of the same program, for merging (pstats.Stats(a, b)).
$PY -m cProfile -o recursion-2.prof programs/recursion.py
$PY "$oracle" recursion-merged.oracle.json recursion.prof recursion-2.prof

# The pure-Python profile module: callers carry a bare call count.
$PY -m profile -o recursion.profile.prof programs/recursion.py
$PY "$oracle" recursion.profile.oracle.json recursion.profile.prof

# yappi: cc and nc of each function swapped relative to cProfile.
$SYSPY ../../scripts/yappi-run.py recursion.yappi.prof programs/recursion.py
$SYSPY "$oracle" recursion.yappi.oracle.json recursion.yappi.prof

# Python 2.7: marshal version 2 ('t' interned strings, 'R' references, 'I' 64-bit ints).
if [ -x "$PY27" ]; then
  for prog in recursion classes; do
    "$PY27" -m cProfile -o "$prog.py27.prof" "programs/$prog.py"
    "$PY27" "$oracle" "$prog.py27.oracle.json" "$prog.py27.prof"
  done
  "$PY27" -m profile -o recursion.py27-profile.prof programs/recursion.py
  "$PY27" "$oracle" recursion.py27-profile.oracle.json recursion.py27-profile.prof
else
  echo "note: no Python 2.7 at $PY27; keeping the committed .py27 fixtures" >&2
fi
ls -l
