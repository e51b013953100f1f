"""Profiles a script with yappi and saves pstats. usage: yappi-run.py OUT.prof SCRIPT.py"""
import runpy
import sys

import yappi

out, script = sys.argv[1], sys.argv[2]
yappi.set_clock_type("cpu")
yappi.start(builtins=True)
runpy.run_path(script, run_name="__main__")
yappi.stop()
yappi.get_func_stats().save(out, type="pstat")
