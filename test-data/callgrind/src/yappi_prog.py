"""Small Python program profiled with yappi for the callgrind fixtures."""
import sys

import yappi


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


def work():
    total = fib(12)
    for i in range(10):
        total += is_even(i * 3)
    return total + sum(range(1000))


yappi.set_clock_type("cpu")
yappi.start(builtins=True)
work()
yappi.stop()
yappi.get_func_stats().save(sys.argv[1], type="callgrind")
