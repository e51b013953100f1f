/* Small threaded program for callgrind --separate-threads fixtures. */
#include <pthread.h>

static volatile long sink;

long count_to(long n) {
  long s = 0;
  for (long i = 0; i < n; i++) s += i & 3;
  return s;
}

void *worker(void *arg) {
  sink += count_to((long)arg);
  return 0;
}

int main(void) {
  pthread_t a, b;
  pthread_create(&a, 0, worker, (void *)20000L);
  pthread_create(&b, 0, worker, (void *)5000L);
  pthread_join(a, 0);
  pthread_join(b, 0);
  sink += count_to(1000);
  return 0;
}
