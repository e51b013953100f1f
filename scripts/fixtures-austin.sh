#!/usr/bin/env bash
# Regenerates test-data/austin: Debian's austin 1.0.1 (it samples Python up to 3.8; pyenv's 3.8
# here) on test-data/tachyon/programs/work.py in each mode: wall time (default and `-a`),
# memory (`-m`) and full (`-f`), and austin's own numbers summed per function by
# scripts/austin-oracle.py (*.oracle.json). The austin 3.x files (*.austin3) are written by hand
# from austin's README (it is not packaged here) and are not regenerated.
set -euo pipefail
cd "$(dirname "$0")/../test-data/austin"
PY38=${PY38:-$HOME/.pyenv/versions/3.8.18/bin/python}
prog=../tachyon/programs/work.py
austin -i 2000 -o wall.austin "$PY38" "$prog"
austin -a -i 2000 -o wall-alt.austin "$PY38" "$prog"
austin -m -i 2000 -o memory.austin "$PY38" "$prog"
austin -f -i 2000 -o full.austin "$PY38" "$prog"
for f in wall wall-alt memory full; do
  python3 ../../scripts/austin-oracle.py "$f.austin" > "$f.oracle.json"
done
ls -l
