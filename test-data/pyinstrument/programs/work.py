"""A small workload for the sampling profilers: recursion, a hot loop over several lines, and a
worker thread."""
import threading


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def square(i):
    return i * i


def mix(total, i):
    return (total + i) % 1000003


def crunch(rounds):
    total = 0
    for i in range(rounds):
        total += square(i)
        total = mix(total, i)
        total ^= i >> 3
    return total


def worker(out):
    out.append(crunch(150_000))


def main():
    out = []
    t = threading.Thread(target=worker, args=(out,), name="cruncher")
    t.start()
    fib(17)
    crunch(100_000)
    t.join()
    return out


if __name__ == "__main__":
    main()
