/* gprof fixture: direct recursion (fib), mutual recursion (is_even/is_odd), a library call
 * (qsort calling back into cmp) and a function called from two places (work). */
#include <stdlib.h>
#include <stdio.h>

static volatile unsigned long sink;

unsigned long fib(int n) {
  for (int i = 0; i < 40; i++) sink += i;
  return n < 2 ? (unsigned long)n : fib(n - 1) + fib(n - 2);
}

int is_odd(unsigned n);
int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

void work(int rounds) {
  for (int r = 0; r < rounds; r++)
    for (int i = 0; i < 200000; i++) sink += (unsigned long)i * r;
}

int cmp(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  for (int i = 0; i < 20; i++) sink += i;
  return (x > y) - (x < y);
}

void sort_numbers(void) {
  static int numbers[400000];
  unsigned seed = 1;
  for (int i = 0; i < 400000; i++) numbers[i] = (int)((seed = seed * 1103515245u + 12345u) >> 8);
  qsort(numbers, 400000, sizeof numbers[0], cmp);
  work(50);
}

int main(void) {
  sink += fib(27);
  for (int i = 0; i < 300; i++) sink += is_even(20000 + i);
  sort_numbers();
  work(200);
  printf("%lu\n", sink);
  return 0;
}
