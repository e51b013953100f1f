/**
 * How much fuzzing a run does. CI uses the fixed seed and the default counts; `pnpm fuzz` at the
 * root raises `FUZZ_RUNS` (a multiplier) and picks a random seed, printed by fast-check on a
 * failure so that the case can be replayed with `FUZZ_SEED=<seed>`.
 */
const multiplier = Number(process.env.FUZZ_RUNS ?? 1)
const seedText = process.env.FUZZ_SEED ?? '1729'

export const FUZZ = {
  seed: seedText === 'random' ? Date.now() % 2 ** 31 : Number(seedText),
  /** Mutated fixtures per reader. */
  mutations: Math.round(1500 * multiplier),
  /** Mutated fixtures per streaming reader, read from chunks and whole. */
  stream: Math.round(300 * multiplier),
  /** Random inputs per reader. */
  random: Math.round(300 * multiplier),
  /** Random profiles per round-trip property. */
  profiles: Math.round(150 * multiplier),
}
