/* A small real C workload for `perf record -g` (scripts/fixtures-speedscope.mjs builds it with
 * frame pointers): two call paths into one leaf and a recursive function. */
#include <stdio.h>

static double leaf(int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += i * 0.5;
  return s;
}

static double mid(int n) { return leaf(n) + leaf(n / 2); }

static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
  double s = 0;
  for (int k = 0; k < 1500; k++) s += mid(20000);
  long f = 0;
  for (int k = 0; k < 20; k++) f += fib(28);
  printf("%f %ld\n", s, f);
  return 0;
}
