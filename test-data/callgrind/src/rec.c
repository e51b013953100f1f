/* Small program for callgrind fixtures: plain and mutual recursion, several functions. */
#include <stdlib.h>

static volatile long sink;

int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int is_odd(int n);
int is_even(int n) { return n == 0 ? 1 : is_odd(n - 1); }
int is_odd(int n) { return n == 0 ? 0 : is_even(n - 1); }

long sum_array(const long *a, int n) {
  long s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}

long fill_and_sum(int n) {
  long *a = malloc(sizeof(long) * n);
  for (int i = 0; i < n; i++) a[i] = i * 3 % 7;
  long s = sum_array(a, n);
  free(a);
  return s;
}

int main(void) {
  sink = fib(15);
  for (int i = 0; i < 20; i++) sink += is_even(i * 7);
  sink += fill_and_sum(5000);
  sink += fill_and_sum(300);
  return 0;
}
