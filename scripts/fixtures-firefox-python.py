#!/usr/bin/env python3
"""Writes test-data/firefox/python-3.15-v57.json: a processed Firefox Profiler profile, version 57,
in the shape CPython 3.15's `python -m profiling.sampling --gecko` writes
(Lib/profiling/sampling/gecko_collector.py: one global `shared.stringArray`, per-thread tables,
`pid` as a string, `weight: null` with `weightType: "samples"`, stack/frame categories Python or
Native, file base names and first lines on functions, lines on frames, interval markers).

Python 3.15 is not installable here, so this script samples a real workload itself (a thread
reading `sys._current_frames()` every millisecond) and writes what that collector writes for
those stacks. Run: python3 scripts/fixtures-firefox-python.py
"""
import json, os, sys, threading, time

OUT = os.path.join(os.path.dirname(__file__), '..', 'test-data', 'firefox', 'python-3.15-v57.json')
CATEGORIES = [
    {"name": n, "color": c, "subcategories": ["Other"]}
    for n, c in [("Other", "grey"), ("Python", "yellow"), ("Native", "blue"), ("GC", "orange"),
                 ("GIL", "green"), ("CPU", "purple"), ("Code Type", "red"), ("Opcodes", "magenta"),
                 ("Exception", "lightblue")]
]


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def parse(text):
    return [int(w) for w in text.split() if w.isdigit()]


def work():
    total = 0
    for _ in range(80):
        total += fib(21)
        total += sum(parse(" ".join(str(i) for i in range(3000))))
    return total


def worker():
    sorted(str(i) * 3 for i in range(200000))
    work()


class Strings:
    def __init__(self):
        self.list, self.ids = ["(root)"], {"(root)": 0}

    def __call__(self, s):
        if s not in self.ids:
            self.ids[s] = len(self.list)
            self.list.append(s)
        return self.ids[s]


def new_thread(tid, main):
    return {
        "name": "MainThread" if main else f"Thread-{tid}", "isMainThread": main,
        "processStartupTime": 0, "processShutdownTime": None, "registerTime": 0,
        "unregisterTime": None, "pausedRanges": [], "pid": str(os.getpid()), "tid": tid,
        "processType": "default", "processName": "Python Process",
        "samples": {"stack": [], "time": [], "eventDelay": [], "weight": None,
                    "weightType": "samples", "length": 0},
        "stackTable": {"frame": [], "category": [], "subcategory": [], "prefix": [], "length": 0},
        "frameTable": {k: [] for k in ["address", "category", "subcategory", "func", "innerWindowID",
                                        "implementation", "optimizations", "line", "column",
                                        "inlineDepth", "nativeSymbol"]} | {"length": 0},
        "funcTable": {k: [] for k in ["name", "isJS", "relevantForJS", "resource", "fileName",
                                       "lineNumber", "columnNumber"]} | {"length": 0},
        "resourceTable": {"lib": [], "name": [], "host": [], "type": [], "length": 0},
        "nativeSymbols": {"libIndex": [], "address": [], "name": [], "functionSize": [], "length": 0},
        "markers": {"data": [], "name": [], "startTime": [], "endTime": [], "phase": [],
                    "category": [], "length": 0},
        "_stacks": {}, "_frames": {}, "_funcs": {}, "_resources": {},
    }


def intern_stack(t, strings, frames):
    prefix = None
    for filename, lineno, funcname, firstline in frames:  # root first
        is_py = not filename.startswith("<")
        fkey = (filename, funcname)
        if fkey not in t["_funcs"]:
            ft = t["funcTable"]
            if filename not in t["_resources"]:
                rt = t["resourceTable"]
                t["_resources"][filename] = len(rt["name"])
                rt["lib"].append(None); rt["name"].append(strings(os.path.basename(filename)))
                rt["host"].append(None); rt["type"].append(1)
            t["_funcs"][fkey] = len(ft["name"])
            ft["name"].append(strings(funcname)); ft["isJS"].append(is_py)
            ft["relevantForJS"].append(is_py); ft["resource"].append(t["_resources"][filename])
            ft["fileName"].append(strings(os.path.basename(filename)) if is_py else None)
            ft["lineNumber"].append(firstline if is_py else None); ft["columnNumber"].append(None)
        func = t["_funcs"][fkey]
        frkey = (func, lineno)
        if frkey not in t["_frames"]:
            fr = t["frameTable"]
            t["_frames"][frkey] = len(fr["func"])
            for k, v in [("address", -1), ("inlineDepth", 0), ("category", 1 if is_py else 2),
                         ("subcategory", 0), ("func", func), ("nativeSymbol", None),
                         ("innerWindowID", None), ("implementation", None), ("line", lineno or None),
                         ("column", None), ("optimizations", None)]:
                fr[k].append(v)
        frame = t["_frames"][frkey]
        skey = (frame, prefix)
        if skey not in t["_stacks"]:
            st = t["stackTable"]
            t["_stacks"][skey] = len(st["frame"])
            st["frame"].append(frame); st["prefix"].append(prefix)
            st["category"].append(1 if is_py else 2); st["subcategory"].append(0)
        prefix = t["_stacks"][skey]
    return prefix


def main():
    sys.setswitchinterval(0.0002)
    strings = Strings()
    threads = {}
    me = threading.get_ident()
    start = time.monotonic() * 1000
    done = threading.Event()

    def sampler():
        while not done.is_set():
            now = time.monotonic() * 1000 - start
            for tid, frame in sys._current_frames().items():
                if tid == me or tid == threading.get_ident():
                    continue
                stack = []
                while frame is not None:
                    code = frame.f_code
                    stack.append((code.co_filename, frame.f_lineno, code.co_name, code.co_firstlineno))
                    frame = frame.f_back
                stack.reverse()
                if tid not in threads:
                    threads[tid] = new_thread(len(threads) + 1, len(threads) == 0)
                t = threads[tid]
                t["samples"]["stack"].append(intern_stack(t, strings, stack))
                t["samples"]["time"].append(now); t["samples"]["eventDelay"].append(None)
            time.sleep(0.001)

    def run():
        other = threading.Thread(target=worker, name="worker")
        other.start(); work(); other.join()

    main_thread = threading.Thread(target=run, name="MainThread")
    s = threading.Thread(target=sampler)
    s.start(); main_thread.start(); main_thread.join(); done.set(); s.join()
    out = []
    for t in threads.values():
        t["samples"]["length"] = len(t["samples"]["stack"])
        for k in ["stackTable", "frameTable", "funcTable", "resourceTable"]:
            t[k]["length"] = len(t[k]["func" if k == "frameTable" else "frame" if k == "stackTable" else "name"])
        for k in ["_stacks", "_frames", "_funcs", "_resources"]:
            del t[k]
        out.append(t)
    count = sum(t["samples"]["length"] for t in out)
    profile = {
        "meta": {"interval": 1.0, "startTime": start, "abi": "x86_64", "misc": "Python profiler",
                 "oscpu": "x86_64", "platform": "Linux", "processType": 0, "categories": CATEGORIES,
                 "stackwalk": 0, "toolkit": "", "version": 32, "preprocessedProfileVersion": 57,
                 "appBuildID": "", "physicalCPUs": 2, "logicalCPUs": 2, "CPUName": "",
                 "product": "Python", "symbolicated": True, "markerSchema": [],
                 "importedFrom": "Tachyon Sampling Profiler",
                 "extensions": {"id": [], "name": [], "baseURL": [], "length": 0}},
        "libs": [], "threads": out, "pages": [],
        "shared": {"stringArray": strings.list, "sources": {"length": 0, "uuid": [], "filename": []}},
    }
    with open(OUT, "w") as f:
        json.dump(profile, f, separators=(",", ":"))
    print(f"wrote {OUT}: {len(out)} threads, {count} samples")


main()
