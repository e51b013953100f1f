/* Small program for the -O2 callgrind fixture: header functions inlined (fi=/fe=), calls kept. */
#include <stdio.h>
#include <stdlib.h>
#include "vec.h"

__attribute__((noinline)) long work(long *a, long *b, int n, int rounds) {
  long s = 0;
  for (int r = 0; r < rounds; r++) {
    scale(a, n, r + 3);
    s += dot(a, b, n);
  }
  return s;
}

int main(void) {
  int n = 500;
  long *a = malloc(sizeof(long) * n);
  long *b = malloc(sizeof(long) * n);
  for (int i = 0; i < n; i++) {
    a[i] = i;
    b[i] = n - i;
  }
  printf("%ld\n", work(a, b, n, 40));
  free(a);
  free(b);
  return 0;
}
