#!/usr/bin/env bash
# Regenerates test-data/pyinstrument: pyinstrument's session (-r pyisession) and JSON call tree
# (-r json) of programs/work.py. pyinstrument is not installable here - no Debian package, PyPI
# unreachable - so it runs from a scratch copy of its source OUTSIDE this repository, PYI_SRC (e.g.
# `git --git-dir=/work/.mirror/joerick+pyinstrument/repo archive HEAD pyinstrument | tar -x -C
# /tmp/pyi-src`), whose C sampler is replaced by its own pure-Python fallback (a file
# pyinstrument/low_level/stat_profile.py that imports stat_profile_python's names and defines
# walltime_coarse_resolution() -> None and measure_timing_overhead() -> {"walltime": 1e-7}).
set -euo pipefail
: "${PYI_SRC:?set PYI_SRC to the scratch copy of the pyinstrument source}"
cd "$(dirname "$0")/../test-data/pyinstrument/programs"
PYTHONPATH=$PYI_SRC python3 -m pyinstrument -i 0.002 -r pyisession -o ../work.pyisession work.py
PYTHONPATH=$PYI_SRC python3 -m pyinstrument -i 0.002 -r json -o ../work.pyinstrument.json work.py
ls -l ..
PYTHONPATH=$PYI_SRC python3 ../../../scripts/pyinstrument-oracle.py ../work.pyisession > ../work.pyisession.oracle.json
