/*
 * A library whose hot loop perf cannot name: built stripped (-s), with the loop in a static
 * function, which only the symbol table (gone) would name. The exported entry point keeps its
 * name in the dynamic symbol table. LIBSEED and LIBENTRY make two libraries of one source.
 */
static volatile unsigned long sink;

static void __attribute__((noinline)) spin(unsigned long n) {
  for (unsigned long i = 0; i < n; i++) sink += i * LIBSEED;
}

void LIBENTRY(unsigned long n) { spin(n); }
