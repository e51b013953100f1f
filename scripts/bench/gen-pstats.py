"""Writes a deterministic pstats file (marshal of cProfile's stats dict) for `pnpm bench`.

usage: gen-pstats.py OUT FUNCTIONS EDGES SEED
"""
import marshal
import random
import sys

WORDS = ['parse', 'render', 'load', 'store', 'compute', 'visit', 'emit', 'resolve', 'merge',
         'split', 'encode', 'decode', 'fetch', 'apply', 'check', 'build', 'update', 'scan', 'sort',
         'hash']


def key(i):
    # Interned, as CPython interns code objects' names and file names: marshal then writes each
    # string once and refers back to it, as in real cProfile output.
    return (sys.intern(f'/srv/app/pkg{i % 97}/module_{i // 40}.py'), 10 + (i % 40) * 25,
            sys.intern(f'{WORDS[i % 20]}_{WORDS[(i * 7 + 3) % 20]}_{i}'))


def main():
    out, functions, edges, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rand = random.Random(seed)
    per = edges // functions
    stats = {}
    for i in range(functions):
        callers = {}
        # Function 0 is the entry point; the others are called from lower-numbered functions
        # mostly, skewed towards the hot ones.
        for _ in range(per if i > 0 else 0):
            c = int(i * rand.random() ** 2) if rand.random() < 0.9 else rand.randrange(functions)
            if c == i or key(c) in callers:
                continue
            nc = 1 + rand.randrange(500)
            tt = rand.random() * 0.01
            callers[key(c)] = (nc, nc, tt, tt + rand.random() * 0.05)
        nc = sum(v[0] for v in callers.values()) or 1
        tt = sum(v[2] for v in callers.values()) or rand.random() * 0.01
        ct = sum(v[3] for v in callers.values()) or tt + 1.0
        stats[key(i)] = (nc, nc, tt, ct, callers)
    with open(out, 'wb') as f:
        marshal.dump(stats, f)


main()
