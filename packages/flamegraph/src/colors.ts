import type { Frame } from '@profconv/model'

/** The colour schemes of `--colors`. */
export const PALETTES = ['hot', 'mem', 'io', 'lang', 'module'] as const
export type Palette = (typeof PALETTES)[number]

/**
 * Three numbers in [0, 1) from a name (FNV-1a, then two mixing rounds): the same name gets the
 * same colour in every graph and every run, and neighbouring boxes of different names differ.
 */
function nameHash(name: string): [number, number, number] {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  const a = h >>> 0
  const b = Math.imul(a ^ (a >>> 16), 0x45d9f3b) >>> 0
  const c = Math.imul(b ^ (b >>> 13), 0x27d4eb2d) >>> 0
  return [a / 2 ** 32, b / 2 ** 32, c / 2 ** 32]
}

const rgb = (r: number, g: number, b: number) =>
  `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`

/** Hue families for `lang`: what a frame's file, module or name tells of its language. */
const LANGUAGES: [RegExp, number][] = [
  [/\.py[cwi]?$|^<frozen |^<built-in|^\{built-in|^<method /, 205], // Python: blue
  [/\.(m?[jt]sx?|cjs|mjs)$|^node:|^https?:/, 50], // JavaScript/TypeScript: yellow
  [/\.go$/, 180], // Go: cyan
  [/\.(java|kt|scala|clj)$/, 115], // JVM: green
  [/\.rb$/, 350], // Ruby: red
  [/\.rs$/, 25], // Rust: orange-brown
  [/vmlinux|\[kernel|^\[k\]|_\[k\]$/, 30], // kernel: orange
]

/** The hue family of a frame for `lang`, or undefined for native/unknown code (hot colours). */
function languageHue(frame: Frame | undefined): number | undefined {
  if (!frame) return undefined
  for (const where of [frame.file, frame.module, frame.name]) {
    if (!where) continue
    for (const [pattern, hue] of LANGUAGES) if (pattern.test(where)) return hue
  }
  return undefined
}

function hsl(h: number, s: number, l: number): string {
  const f = (n: number) => {
    const k = (n + h / 30) % 12
    const a = s * Math.min(l, 1 - l)
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)))
  }
  return rgb(f(0), f(8), f(4))
}

/**
 * The fill of a box: a colour of the palette picked by the hash of the frame's name (`hot`:
 * reds to yellows, `mem`: greens, `io`: blues), by its language (`lang`: a hue family per
 * language told from its file, module or name, hot colours for native code), or by its module
 * (`module`: one hue per module or file, the name varying the lightness).
 */
export function frameColor(palette: Palette, label: string, frame: Frame | undefined): string {
  const name = frame?.name ?? label
  const [v1, v2, v3] = nameHash(name)
  switch (palette) {
    case 'mem':
      return rgb(0, 190 + 50 * v2, 210 * v1)
    case 'io':
      return rgb(80 + 60 * v1, 80 + 60 * v1, 190 + 55 * v2)
    case 'lang': {
      const hue = languageHue(frame)
      if (hue !== undefined) return hsl(hue + 16 * (v1 - 0.5), 0.55 + 0.3 * v2, 0.55 + 0.15 * v3)
      break
    }
    case 'module': {
      const where = frame?.module ?? frame?.file
      if (where) {
        const [h] = nameHash(where)
        return hsl(360 * h, 0.5 + 0.2 * v2, 0.6 + 0.15 * v3)
      }
      break
    }
  }
  return rgb(205 + 50 * v3, 230 * v1, 55 * v2)
}

/**
 * The fill of a box in a differential graph: near white for no change (`ratio` 0), red for
 * growth and blue for shrinking, deeper as `ratio` (change / largest change, in [-1, 1]) grows.
 */
export function changeColor(ratio: number): string {
  if (!(ratio !== 0)) return rgb(250, 250, 250)
  const pale = 220 * (1 - Math.min(1, Math.abs(ratio)))
  return ratio > 0 ? rgb(255, pale, pale) : rgb(pale, pale, 255)
}
