/** A colour in HSL, each part in 0..1. */
export type Hsl = readonly [hue: number, saturation: number, lightness: number]

/**
 * How weights (a share of the profile, 0..1) become colours and sizes: gprof2dot's conventions,
 * reimplemented from its documented behaviour. `skew` > 1 spends more colours on the hot end,
 * < 1 on the cold end.
 */
export interface Theme {
  readonly minColor: Hsl
  readonly maxColor: Hsl
  readonly gamma: number
  readonly fontName: string
  readonly minFontSize: number
  readonly maxFontSize: number
  readonly minPenWidth: number
  readonly maxPenWidth: number
}

/** gprof2dot's default: dark blue for cold, saturated red for hot. */
export const COLOR_THEME: Theme = {
  minColor: [2 / 3, 0.8, 0.25],
  maxColor: [0, 1, 0.5],
  gamma: 1,
  fontName: 'Arial',
  minFontSize: 10,
  maxFontSize: 10,
  minPenWidth: 0.5,
  maxPenWidth: 4,
}

/** `#rrggbb` for a weight in 0..1 under `theme`. */
export function weightColor(theme: Theme, weight: number, skew = 1): string {
  const w = Math.min(1, Math.max(0, weight))
  const mix = (a: number, b: number) =>
    skew === 1 ? a + w * (b - a) : a + ((b - a) * (skew ** w - 1)) / (skew - 1)
  const [h, s, l] = theme.minColor.map((c, i) => mix(c, theme.maxColor[i]))
  return hex(hslToRgb(h, s, l).map((c) => c ** theme.gamma))
}

export function fontSize(theme: Theme, weight: number): number {
  return Math.max(weight ** 2 * theme.maxFontSize, theme.minFontSize)
}

export function penWidth(theme: Theme, weight: number): number {
  return Math.max(weight * theme.maxPenWidth, theme.minPenWidth)
}

export function arrowSize(theme: Theme, weight: number): number {
  return 0.5 * Math.sqrt(penWidth(theme, weight))
}

function hslToRgb(h: number, s: number, l: number): number[] {
  const q = l <= 0.5 ? l * (s + 1) : l + s - l * s
  const p = 2 * l - q
  const channel = (t: number) => {
    const x = t < 0 ? t + 1 : t > 1 ? t - 1 : t
    if (x * 6 < 1) return p + (q - p) * x * 6
    if (x * 2 < 1) return q
    if (x * 3 < 2) return p + (q - p) * (2 / 3 - x) * 6
    return p
  }
  return [channel(h + 1 / 3), channel(h), channel(h - 1 / 3)]
}

function hex(rgb: number[]): string {
  return (
    '#' +
    rgb
      .map((c) =>
        Math.round(Math.min(1, Math.max(0, c)) * 255)
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  )
}
