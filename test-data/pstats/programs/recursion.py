"""Direct recursion (fib), mutual recursion (is_even/is_odd) and a helper called from both."""


def square(x):
    return x * x


def fib(n):
    if n < 2:
        return square(n)
    return fib(n - 1) + fib(n - 2)


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


def main():
    total = 0
    for i in range(18):
        total += fib(i)
    parity = [is_even(n) for n in range(300)]
    return total, sum(parity)


if __name__ == "__main__":
    main()
