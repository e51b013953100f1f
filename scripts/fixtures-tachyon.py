"""Regenerates test-data/tachyon: what Python 3.15's sampling profiler ("Tachyon",
`python -m profiling.sampling`) writes with `--pstats` and `--collapsed`, made by CPython's own
collector classes fed real sampled stacks of test-data/tachyon/programs/work.py.

Python 3.15 cannot be installed here, so the stacks are sampled in-process: a thread reads every
other thread's frames (sys._current_frames) each millisecond and hands them to the collectors in
the shape `_remote_debugging` gives them (interpreters -> threads -> leaf-first frames of
(filename, location, funcname, opcode)). The collectors are NOT in this repository: pass a
scratch copy of CPython's Lib/profiling/sampling (collector.py, constants.py, pstats_collector.py,
stack_collector.py; 3.15-only syntax such as `lazy from` removed) as TACHYON_SRC, the folder that
holds `profiling/`. Also writes tachyon.oracle.json: Python's own reading of the pstats file.

    TACHYON_SRC=/tmp/tachyon-scratch python3 scripts/fixtures-tachyon.py
"""
import collections
import json
import marshal
import os
import runpy
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test-data", "tachyon")
PROGRAM = os.path.abspath(os.path.join(OUT, "programs", "work.py"))
INTERVAL_USEC = 1000

sys.path.insert(0, os.environ["TACHYON_SRC"])
from profiling.sampling.pstats_collector import PstatsCollector  # noqa: E402
from profiling.sampling.stack_collector import CollapsedStackCollector  # noqa: E402

FrameInfo = collections.namedtuple("FrameInfo", "filename location funcname opcode")
ThreadInfo = collections.namedtuple("ThreadInfo", "thread_id status frame_info")
InterpreterInfo = collections.namedtuple("InterpreterInfo", "interpreter_id threads")
RUNNING = (1 << 0) | (1 << 1)  # THREAD_STATUS_HAS_GIL | THREAD_STATUS_ON_CPU


def leaf_first(frame):
    frames = []
    while frame is not None:
        code = frame.f_code
        # The program's own frames only (runpy and this script's are the harness).
        if os.path.abspath(code.co_filename) != os.path.abspath(__file__) and "runpy" not in code.co_filename:
            line = frame.f_lineno or 0
            frames.append(FrameInfo(code.co_filename, (line, line, -1, -1), code.co_name, None))
        frame = frame.f_back
    return frames


def sample(collectors, stop):
    me = threading.get_ident()
    while not stop.is_set():
        threads = []
        for tid, frame in sys._current_frames().items():
            if tid == me:
                continue
            frames = leaf_first(frame)
            # Samples before the program starts (runpy loading it) are the harness's.
            if any(f.filename == PROGRAM for f in frames):
                threads.append(ThreadInfo(tid, RUNNING, frames))
        if threads:
            snapshot = [InterpreterInfo(0, threads)]
            for c in collectors:
                c.collect(snapshot)
        time.sleep(INTERVAL_USEC / 1e6)


def main():
    pstats_c = PstatsCollector(INTERVAL_USEC)
    collapsed_c = CollapsedStackCollector(INTERVAL_USEC)
    stop = threading.Event()
    sampler = threading.Thread(target=sample, args=([pstats_c, collapsed_c], stop))
    # A short switch interval lets the sampler take the GIL about every millisecond.
    sys.setswitchinterval(INTERVAL_USEC / 4e6)
    sampler.start()
    try:
        runpy.run_path(PROGRAM, run_name="__main__")
    finally:
        stop.set()
        sampler.join()
    pstats_c.export(os.path.join(OUT, "work.tachyon.pstats"))
    collapsed_c.export(os.path.join(OUT, "work.tachyon.collapsed"))

    # Python's own reading of the file: per (file, function) direct and cumulative samples summed
    # over the sampled lines, and per (file, function, line) the direct samples.
    with open(os.path.join(OUT, "work.tachyon.pstats"), "rb") as f:
        stats = marshal.load(f)
    assert stats.pop(("__sampled__",)) is True
    functions = collections.defaultdict(lambda: [0, 0, 0.0, 0.0])
    lines = []
    for (file, line, name), (cc, nc, tt, ct, _callers) in stats.items():
        acc = functions[(file, name)]
        acc[0] += cc
        acc[1] += nc
        acc[2] += tt
        acc[3] += ct
        if cc:
            lines.append({"file": file, "name": name, "line": line, "samples": cc})
    # The true samples of each function (once per stack however often it is on it), from the
    # stacks themselves: what the pstats form can only bound.
    on_stack = collections.Counter()
    for (call_tree, _tid), count in collapsed_c.stack_counter.items():
        for fn in {(file, name) for file, _line, name in call_tree}:
            on_stack[fn] += count
    oracle = {
        "interval_seconds": INTERVAL_USEC / 1e6,
        "total_samples": sum(v[0] for v in functions.values()),
        "functions": [
            {"file": f, "name": n, "self_samples": v[0], "cumulative_samples": v[1],
             "self_seconds": v[2], "cumulative_seconds": v[3],
             "stack_samples": on_stack[(f, n)]}
            for (f, n), v in sorted(functions.items())
        ],
        "lines": sorted(lines, key=lambda r: (r["file"], r["name"], r["line"])),
    }
    with open(os.path.join(OUT, "work.tachyon.oracle.json"), "w") as f:
        json.dump(oracle, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
