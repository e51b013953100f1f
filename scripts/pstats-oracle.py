"""Python's own reading of pstats files, as JSON: the oracle profconv's tests compare against.

usage: python pstats-oracle.py OUT.json FILE.prof [FILE.prof ...]
Several files are merged the way pstats.Stats(a, b) merges them. Runs under Python 2.7 and 3.x.
"""
import json
import pstats
import sys


def text(value):
    """A key part as text; a code object (Python's profile module stores one) without its address."""
    if hasattr(value, "co_name"):
        return '<code object %s, file "%s", line %d>' % (
            value.co_name, value.co_filename, value.co_firstlineno)
    return value


def key(func):
    return {"file": text(func[0]), "line": func[1], "name": text(func[2])}


def main():
    out, files = sys.argv[1], sys.argv[2:]
    stats = pstats.Stats(*files)
    functions = []
    for func, (cc, nc, tt, ct, callers) in stats.stats.items():
        entry = key(func)
        entry.update(cc=cc, nc=nc, tt=tt, ct=ct, callers=[])
        for caller, value in callers.items():
            edge = key(caller)
            edge["value"] = list(value) if isinstance(value, tuple) else value
            entry["callers"].append(edge)
        entry["callers"].sort(key=lambda e: (e["file"], e["line"], e["name"]))
        functions.append(entry)
    functions.sort(key=lambda e: (e["file"], e["line"], e["name"]))
    doc = {
        "python": sys.version.split()[0],
        "files": files,
        "total_calls": stats.total_calls,
        "prim_calls": stats.prim_calls,
        "total_tt": stats.total_tt,
        "functions": functions,
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
