"""austin's own numbers per function, as JSON: the oracle profconv's austin tests compare against.

usage: python3 austin-oracle.py FILE.austin > FILE.oracle.json

Each sample line's values are summed into its leaf function's self and into the total of every
distinct function on its stack (flamegraph.pl's reading of austin's collapsed lines). A function
is (file, name); the thread prefix is not a function. Handles austin 1.x (`Thread <id>;func
(file);L<n>` and `func (file:line)`) and 3.x (`P<pid>;T<tid>;file:func:line`, `;L<n>` frames).
"""
import json
import re
import sys
from collections import defaultdict

OLD_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def frames_of(tokens):
    out = []
    for tok in tokens:
        if re.fullmatch(r"L\d+", tok):
            continue  # the line of the frame before
        if tok == ":GC:":
            out.append(("", "<GC>"))  # austin 3 -g: the garbage collector was running
            continue
        m = OLD_FRAME.match(tok)
        if m:
            out.append((m.group("file"), m.group("name")))
            continue
        parts = tok.rsplit(":", 2)
        if len(parts) == 3 and parts[2].isdigit():
            out.append((parts[0], parts[1]))
        elif len(parts) == 2:
            out.append((parts[0], parts[1]))
        else:
            out.append(("", tok))
    return out


def main():
    self_ = defaultdict(lambda: None)
    total = defaultdict(lambda: None)
    metrics = None
    samples = 0
    for raw in open(sys.argv[1], encoding="utf-8"):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        head, _, last = line.rpartition(" ")
        values = [int(v) for v in last.split(",")] if "," in last else [int(last)]
        # austin 1.x full mode: three space-separated values.
        while True:
            h, _, v = head.rpartition(" ")
            if re.fullmatch(r"-?\d+", v) and not re.fullmatch(r"Thread", h):
                values.insert(0, int(v))
                head = h
            else:
                break
        tokens = head.split(";")
        skip = 1 if tokens[0].startswith("Thread ") else 2 if tokens[0].startswith("P") else 0
        stack = frames_of(tokens[skip:])
        samples += 1
        metrics = len(values)
        if not stack:
            continue
        leaf = stack[-1]
        self_[leaf] = [a + b for a, b in zip(self_[leaf] or [0] * metrics, values)]
        for fn in set(stack):
            total[fn] = [a + b for a, b in zip(total[fn] or [0] * metrics, values)]
    functions = [
        {"file": f, "name": n, "self": self_[(f, n)] or [0] * metrics, "total": total[(f, n)]}
        for (f, n) in sorted(total)
    ]
    json.dump({"samples": samples, "functions": functions}, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()
