/* Header-defined helpers: under -O2 they are inlined into inlined.c's functions, and callgrind
 * attributes their cost lines to this file with fi=/fe= lines. */
static inline long dot(const long *a, const long *b, int n) {
  long s = 0;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

static inline void scale(long *a, int n, long k) {
  for (int i = 0; i < n; i++) a[i] = a[i] * k % 1000003;
}
