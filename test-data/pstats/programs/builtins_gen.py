"""Builtins, a generator, a comprehension and a lambda: names cProfile writes specially."""
import json


def numbers(limit):
    for i in range(limit):
        yield (i * 7919) % 1000


def work():
    data = sorted(numbers(20000), key=lambda v: -v)
    text = json.dumps({"values": data[:2000]})
    decoded = json.loads(text)
    lengths = [len(str(v)) for v in decoded["values"]]
    return max(lengths), min(lengths), sum(lengths)


if __name__ == "__main__":
    for _ in range(5):
        work()
