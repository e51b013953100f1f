#!/usr/bin/env bash
# Regenerates test-data/line-profiler: kernprof -l (Debian's python3-line-profiler) on
# programs/work.py, the same LineStats re-pickled with every pickle protocol 0-5
# (work.p<N>.lprof), and line_profiler's own text view of it (work.lprof.txt, from
# `python3 -m line_profiler`, run from programs/ so that it shows the source).
set -euo pipefail
cd "$(dirname "$0")/../test-data/line-profiler/programs"
PY=${PY:-/usr/bin/python3}
"$PY" "$(command -v kernprof)" -l -o ../work.lprof work.py
"$PY" -m line_profiler ../work.lprof > ../work.lprof.txt
for p in 0 1 2 3 4 5; do
  "$PY" -c "import pickle, sys
stats = pickle.load(open('../work.lprof', 'rb'))
pickle.dump(stats, open('../work.p$p.lprof', 'wb'), protocol=$p)"
done
ls -l ..
