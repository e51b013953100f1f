/** A colour in HSL, each part in 0..1. */
export type Hsl = readonly [hue: number, saturation: number, lightness: number]

/**
 * How weights (a share of the profile, 0..1) become colours and sizes: gprof2dot's conventions,
 * reimplemented from its documented behaviour. `skew` > 1 spends more colours on the hot end,
 * < 1 on the cold end.
 */
export interface Theme {
  /** Graph background; filled nodes write their text in it. */
  readonly bgColor: Hsl
  readonly minColor: Hsl
  readonly maxColor: Hsl
  readonly gamma: number
  readonly fontName: string
  /** Default text colour (`white` on filled boxes, `black` for print). */
  readonly fontColor: string
  /** `filled` boxes in the weight's colour, or `solid` outlines. */
  readonly nodeStyle: 'filled' | 'solid'
  readonly minFontSize: number
  readonly maxFontSize: number
  readonly minPenWidth: number
  readonly maxPenWidth: number
}

const BASE: Theme = {
  bgColor: [0, 0, 1],
  minColor: [0, 0, 0],
  maxColor: [0, 0, 1],
  gamma: 2.2,
  fontName: 'Arial',
  fontColor: 'white',
  nodeStyle: 'filled',
  minFontSize: 10,
  maxFontSize: 10,
  minPenWidth: 0.5,
  maxPenWidth: 4,
}

/** gprof2dot's default: dark blue for cold, saturated red for hot. */
export const COLOR_THEME: Theme = {
  ...BASE,
  minColor: [2 / 3, 0.8, 0.25],
  maxColor: [0, 1, 0.5],
  gamma: 1,
}

/**
 * gprof2dot's colour maps by their `--colormap` names: `color` (blue to red), `pink` (pink to
 * red), `gray` (light gray to black), `bw` (black, weight shown by font size and pen width),
 * `print` (black outlines on white, large type).
 */
export const THEMES: Readonly<Record<string, Theme>> = {
  color: COLOR_THEME,
  pink: { ...BASE, minColor: [0, 1, 0.9], maxColor: [0, 1, 0.5] },
  gray: { ...BASE, minColor: [0, 0, 0.85], maxColor: [0, 0, 0] },
  bw: {
    ...BASE,
    minColor: [0, 0, 0],
    maxColor: [0, 0, 0],
    minFontSize: 8,
    maxFontSize: 24,
    minPenWidth: 0.1,
    maxPenWidth: 8,
  },
  print: {
    ...BASE,
    minColor: [0, 0, 0],
    maxColor: [0, 0, 0],
    fontColor: 'black',
    nodeStyle: 'solid',
    minFontSize: 18,
    maxFontSize: 30,
    minPenWidth: 0.1,
    maxPenWidth: 8,
  },
}

/** The text colour of a box: the background on filled boxes, the weight's colour otherwise. */
export function nodeTextColor(theme: Theme, weight: number, skew = 1): string {
  return theme.nodeStyle === 'filled'
    ? hexColor(hslToRgb(...theme.bgColor, theme.gamma))
    : weightColor(theme, weight, skew)
}

/** `#rrggbb` for a weight in 0..1 under `theme`. */
export function weightColor(theme: Theme, weight: number, skew = 1): string {
  return hexColor(weightRgb(theme, weight, skew))
}

/**
 * The colour of a weight as one integer `0xrrggbb`: what `weightColor` writes, computed without
 * arrays or strings (it runs once per drawn node and call: 130k times on a big drawing), so
 * the writer can keep one quoted string per colour.
 */
export function weightRgb(theme: Theme, weight: number, skew = 1): number {
  if (Number.isNaN(weight)) return NAN_COLOR
  const w = Math.min(1, Math.max(0, weight))
  const from = theme.minColor
  const to = theme.maxColor
  const h = mix(from[0], to[0], w, skew)
  const s = clamp(mix(from[1], to[1], w, skew))
  const l = clamp(mix(from[2], to[2], w, skew))
  return hslToRgb(((h % 1) + 1) % 1, s, l, theme.gamma)
}

/** `#rrggbb` of an integer colour. */
export function hexColor(rgb: number): string {
  if (rgb === NAN_COLOR) return '#NaNNaNNaN' // as the channel-by-channel conversion wrote it
  return '#' + HEX[(rgb >> 16) & 255] + HEX[(rgb >> 8) & 255] + HEX[rgb & 255]
}

/** An unknown weight's colour (no cost known), as no real colour is negative. */
const NAN_COLOR = -1

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** From `a` (weight 0) to `b` (weight 1); `skew` bends the way as gprof2dot does. */
function mix(a: number, b: number, w: number, skew: number): number {
  return skew === 1 ? a + w * (b - a) : a + ((b - a) * (skew ** w - 1)) / (skew - 1)
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

function clamp(x: number): number {
  return Math.min(1, Math.max(0, x))
}

/** HSL to `0xrrggbb`, each channel raised to `gamma` and rounded to 0..255. */
function hslToRgb(h: number, s: number, l: number, gamma: number): number {
  const q = l <= 0.5 ? l * (s + 1) : l + s - l * s
  const p = 2 * l - q
  const r = byte(channel(p, q, h + 1 / 3) ** gamma)
  const g = byte(channel(p, q, h) ** gamma)
  const b = byte(channel(p, q, h - 1 / 3) ** gamma)
  return (r << 16) | (g << 8) | b
}

function channel(p: number, q: number, t: number): number {
  const x = t < 0 ? t + 1 : t > 1 ? t - 1 : t
  if (x * 6 < 1) return p + (q - p) * x * 6
  if (x * 2 < 1) return q
  if (x * 3 < 2) return p + (q - p) * (2 / 3 - x) * 6
  return p
}

function byte(c: number): number {
  return Math.round(Math.min(1, Math.max(0, c)) * 255)
}
