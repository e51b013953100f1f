/* A recursive-descent parser and evaluator for a small expression language, for profconv's
 * call-cycle fixtures: expr -> term -> factor -> (expr) | call(args...) | number makes one big
 * cycle of mutual recursion, as real parsers have. Input is generated deterministically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p;
static char buf[1 << 22];
static unsigned seed = 12345;

static unsigned rnd(void) { seed = seed * 1103515245u + 12345u; return (seed >> 16) & 0x7fff; }

static void gen_expr(char **out, int depth);
static void gen_factor(char **out, int depth) {
  unsigned r = rnd() % 10;
  if (depth > 5 || r < 4) {
    *out += sprintf(*out, "%u", rnd() % 1000);
  } else if (r < 7) {
    *(*out)++ = '(';
    gen_expr(out, depth + 1);
    *(*out)++ = ')';
  } else {
    *out += sprintf(*out, "max(");
    gen_expr(out, depth + 1);
    *(*out)++ = ',';
    gen_expr(out, depth + 1);
    *(*out)++ = ')';
  }
}
static void gen_term(char **out, int depth) {
  gen_factor(out, depth);
  while (rnd() % 3 == 0) {
    *(*out)++ = rnd() % 2 ? '*' : '/';
    gen_factor(out, depth);
  }
}
static void gen_expr(char **out, int depth) {
  gen_term(out, depth);
  while (rnd() % 2 == 0) {
    *(*out)++ = rnd() % 2 ? '+' : '-';
    gen_term(out, depth);
  }
}

static void skip_space(void) { while (*p == ' ') p++; }
static long parse_expr(void);
static long parse_number(void) {
  long v = 0;
  while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
  return v;
}
static long parse_call(void) {
  long best;
  p += 4; /* "max(" */
  best = parse_expr();
  while (*p == ',') {
    long v;
    p++;
    v = parse_expr();
    if (v > best) best = v;
  }
  p++; /* ')' */
  return best;
}
static long parse_factor(void) {
  long v;
  skip_space();
  if (*p == '(') {
    p++;
    v = parse_expr();
    p++;
  } else if (*p == 'm') {
    v = parse_call();
  } else {
    v = parse_number();
  }
  skip_space();
  return v;
}
static long parse_term(void) {
  long v = parse_factor();
  while (*p == '*' || *p == '/') {
    char op = *p++;
    long w = parse_factor();
    v = op == '*' ? v * w : (w ? v / w : 0);
  }
  return v;
}
static long parse_expr(void) {
  long v = parse_term();
  while (*p == '+' || *p == '-') {
    char op = *p++;
    long w = parse_term();
    v = op == '+' ? v + w : v - w;
  }
  return v;
}

/* Expressions separated by ';', generated once. */
static size_t generate(int count) {
  char *out = buf;
  for (int i = 0; i < count; i++) {
    gen_expr(&out, 0);
    *out++ = ';';
  }
  *out = 0;
  return (size_t)(out - buf);
}

int main(void) {
  long sum = 0;
  size_t chars = generate(60);
  for (int round = 0; round < 8; round++) {
    p = buf;
    while (*p) {
      sum += parse_expr();
      p++; /* ';' */
    }
  }
  printf("%ld %zu\n", sum, chars);
  return 0;
}
