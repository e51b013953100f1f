"""scalene's workload: Python time, native time (sorting in C) and memory (big lists)."""


def python_loop(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def native_sort(n):
    data = list(range(n, 0, -1))
    data.sort()
    return sorted(data, reverse=True)


def allocate(n):
    blocks = []
    for _ in range(n):
        blocks.append(bytearray(4 * 1024 * 1024))
    return len(blocks)


def main():
    python_loop(3_000_000)
    native_sort(2_000_000)
    allocate(40)


main()
