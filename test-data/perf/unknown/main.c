/* Calls into two stripped libraries (lib.c built twice): libfoo twice as long as libbar. */
void foo_work(unsigned long n);
void bar_work(unsigned long n);

int main(void) {
  for (int i = 0; i < 100; i++) {
    foo_work(6000000);
    bar_work(3000000);
  }
  return 0;
}
