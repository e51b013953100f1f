/* gprof fixture: a cycle of three functions (parse -> expr -> term -> parse) entered from two
 * places, with a leaf (number) called from inside the cycle and from outside it. */
#include <stdio.h>

static volatile unsigned long sink;

void number(int n) {
  for (int i = 0; i < 3000 + n; i++) sink += (unsigned long)i ^ (unsigned long)n;
}

void parse(int depth);
void term(int depth) {
  number(depth);
  if (depth > 0) parse(depth - 1);
}
void expr(int depth) {
  for (int i = 0; i < 2000; i++) sink += i;
  term(depth);
  if (depth % 3 == 0) term(depth / 2);
}
void parse(int depth) {
  for (int i = 0; i < 1000; i++) sink += i;
  expr(depth);
}

void statement(int depth) { parse(depth); }

int main(void) {
  for (int k = 0; k < 2000; k++) {
    statement(12);
    expr(6);
    number(k % 50);
  }
  printf("%lu\n", sink);
  return 0;
}
