"""line_profiler's workload: functions decorated with @profile (kernprof -l injects it)."""


@profile  # noqa: F821
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@profile  # noqa: F821
def crunch(rounds):
    total = 0
    for i in range(rounds):
        total += i * i
        total %= 1000003
        if i % 7 == 0:
            total ^= i
    return total


class Shape:
    @profile  # noqa: F821
    def area(self, w, h):
        area = w * h
        return area


def main():
    fib(15)
    crunch(20_000)
    s = Shape()
    for i in range(500):
        s.area(i, i + 1)


main()
