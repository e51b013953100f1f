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
    # Callers of each function: function 0 is the entry point; the others are called from
    # lower-numbered functions mostly (skewed towards the hot ones), sometimes from any function
    # (a call back up the graph, as recursion makes).
    callers = []
    for i in range(functions):
        mine = {}
        for _ in range(per if i > 0 else 0):
            c = int(i * rand.random() ** 2) if rand.random() < 0.9 else rand.randrange(functions)
            if c != i and c not in mine:
                mine[c] = 1 + rand.randrange(500)
        callers.append(mine)
    tt = [rand.random() * 0.01 for _ in range(functions)]
    # Cumulative times as cProfile measures them, so the file is one a real run could write:
    # a function's ct is its tt plus what its calls down the graph took, shared among its callers
    # by call count; the entry point's ct is the whole run. A call back up the graph carries only
    # the callee's own time (its deeper cost is already under the callee's first activation).
    ct = [0.0] * functions
    down_ct = [0.0] * functions  # sum of ct of calls made to higher-numbered functions
    for i in range(functions - 1, -1, -1):
        ct[i] = tt[i] + down_ct[i]
        down = sum(n for c, n in callers[i].items() if c < i)
        for c, n in callers[i].items():
            if c < i:
                down_ct[c] += ct[i] * n / down
    stats = {}
    for i in range(functions):
        nc = sum(callers[i].values()) or 1
        down = sum(n for c, n in callers[i].items() if c < i)
        edges_of = {}
        for c, n in callers[i].items():
            etc = tt[i] * n / nc
            ect = ct[i] * n / down if c < i else etc
            edges_of[key(c)] = (n, n, etc, ect)
        stats[key(i)] = (nc, nc, tt[i], ct[i], edges_of)
    with open(out, 'wb') as f:
        marshal.dump(stats, f)


main()
