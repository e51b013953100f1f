# A small JSON workload for CPython under valgrind --tool=callgrind (profconv's call-cycle
# fixture): build nested data, encode and decode it a few times. Deterministic.
import json


def tree(depth, width):
    if depth == 0:
        return {"id": width, "name": "leaf%d" % width, "tags": ["a", "b", width], "ok": True}
    return {"depth": depth, "children": [tree(depth - 1, w) for w in range(width)]}


def main():
    data = tree(4, 5)
    total = 0
    for _ in range(3):
        text = json.dumps(data, sort_keys=True, indent=1)
        back = json.loads(text)
        total += len(text) + len(back["children"])
    print(total)


main()
