#!/usr/bin/env python3
"""Regenerates test-data/folded/py-spy-raw.sampled.folded: a real sampled run of
test-data/tachyon/programs/work.py, folded the way `py-spy record --format raw` writes it.

py-spy cannot be installed here, so this is py-spy-SHAPED, not py-spy's own output: a profiling
timer (ITIMER_REAL, every 2 ms of wall time; py-spy's default is every 10 ms) takes every thread's Python stack
(sys._current_frames) while work.py runs as __main__, and each sample is written as py-spy's raw
recorder writes it (src/flamegraph.rs, line numbers on, no --threads/--subprocesses): frames root
first as `name (short_filename:line)`, where the line is the one executing in that frame (the call
site for callers) and short_filename is the path relative to its sys.path entry, joined by `;`,
then a space and the number of samples of that stack. Frames of this script below work.py's
`<module>` are left out (stacks start as under `py-spy record -- python work.py`), and threads
waiting in threading.py (a lock or a join) are idle and left out, as py-spy does without --idle.

    python3 scripts/fixtures-py-spy-raw.py > test-data/folded/py-spy-raw.sampled.folded
"""
import os
import signal
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.abspath(os.path.join(HERE, "..", "test-data", "tachyon", "programs", "work.py"))
sys.path[0] = os.path.dirname(PROGRAM)  # as `python work.py` has it

ROOTS = sorted({os.path.abspath(p) for p in sys.path if p}, key=len, reverse=True)
IDLE = {"wait", "_wait_for_tstate_lock", "join"}
counts = {}
busy = False


def short_filename(path):
    if path.startswith("<"):
        return path
    path = os.path.abspath(path)
    for root in ROOTS:
        if path.startswith(root + os.sep):
            return path[len(root) + 1 :]
    return path


def folded(leaf):
    frames = []
    frame = leaf
    while frame is not None:
        frames.append(frame)
        if frame.f_code.co_filename == PROGRAM and frame.f_code.co_name == "<module>":
            break
        frame = frame.f_back
    frames.reverse()
    return ";".join(
        f"{f.f_code.co_name} ({short_filename(f.f_code.co_filename)}:{f.f_lineno})" for f in frames
    )


def on_tick(signum, interrupted):
    global busy
    if busy:  # a tick during the last one's work: not a sample of the program
        return
    busy = True
    main = threading.main_thread().ident
    for ident, leaf in sys._current_frames().items():
        if ident == main:
            leaf = interrupted  # not this handler's own frames
        if leaf is None:
            continue
        code = leaf.f_code
        if code.co_name in IDLE and code.co_filename.endswith("threading.py"):
            continue
        key = folded(leaf)
        counts[key] = counts.get(key, 0) + 1
    busy = False


def main():
    source = open(PROGRAM).read()
    signal.signal(signal.SIGALRM, on_tick)
    signal.setitimer(signal.ITIMER_REAL, 0.002, 0.002)
    exec(compile(source, PROGRAM, "exec"), {"__name__": "__main__", "__file__": PROGRAM})
    signal.setitimer(signal.ITIMER_REAL, 0, 0)
    for key, count in counts.items():
        print(f"{key} {count}")


if __name__ == "__main__":
    main()
