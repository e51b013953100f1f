import {
  ESTIMATED_STACKS_NOTE,
  ProfconvError,
  nanosecondsPer,
  resolveMetric,
  type Metric,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { PALETTES, changeColor, frameColor, type Palette } from './colors.js'
import { SCRIPT, STYLE } from './script.js'
import { buildTree, type FlameInput, type FlameTree } from './tree.js'
import { layout, type Box } from './layout.js'
import { xmlText } from './xml.js'
import { formatValue } from './value.js'

/** Options of {@link writeFlamegraph}; the CLI passes them from `--title`, `--colors`, …. */
export interface FlamegraphOptions extends WriteOptions {
  /** Heading of the graph. Default `Flame Graph` (`Icicle Graph` when inverted). */
  title?: string
  /** Colour scheme: `hot` (default), `mem`, `io`, `lang` (by language), `module`. */
  colors?: string
  /** Root at the top (an icicle graph). */
  inverted?: boolean
  /** Stacks leaf first: a bottom-up graph, merged by the function where time was spent. */
  reverse?: boolean
  /** Boxes narrower than this many pixels are merged into one box per parent. Default 0.1. */
  minwidth?: number
  /** Width of the image in pixels. Default 1200. */
  width?: number
  /** A base profile: widths stay this profile's, colours show the change (red grew, blue shrank). */
  base?: Profile
  /** With `base`: changes within this % of the total are drawn as no change. Default 0.1. */
  compareTolerance?: number
}

const FRAME_HEIGHT = 16
const FONT_SIZE = 12
/** Width of one character of the monospace font, in pixels (0.6 em, as DejaVu Sans Mono). */
const CHAR_WIDTH = FONT_SIZE * 0.61
const PAD_X = 10

/**
 * Writes an interactive flame graph: one self-contained SVG in the tradition of flamegraph.pl
 * and inferno. Each box is `<g data-x data-w><title>name (value, share)</title><rect/><text/></g>`
 * where `data-x` and `data-w` are its start and width in the metric's unit (the root `all`
 * spans the total). Children are ordered by name; boxes under `minwidth` pixels are merged
 * into one box per parent (so a million stacks stay a few thousand boxes). Stacks estimated
 * from a call graph are said so in the subtitle.
 */
export function writeFlamegraph(profile: Profile, options: FlamegraphOptions = {}): string {
  if (!profile.samples)
    throw new ProfconvError('flamegraph', 'the profile has no samples to draw (derive them first)')
  const palette = (options.colors ?? 'hot') as Palette
  if (!PALETTES.includes(palette))
    throw new ProfconvError(
      'flamegraph',
      `unknown colour scheme '${options.colors}'; known: ${PALETTES.join(', ')}`,
    )
  const m = resolveMetric(profile.metrics, profile.defaultMetric, options.metric)
  const metric = profile.metrics[m]
  const imageWidth = Math.max(200, options.width ?? 1200)
  const width = imageWidth - 2 * PAD_X
  const inputs: FlameInput[] = [{ profile, metric: m }]
  const subtitles: string[] = []
  if (profile.meta.notes.includes(ESTIMATED_STACKS_NOTE))
    subtitles.push(
      'Stacks estimated from a call graph (see the notes): self costs exact, inclusive costs exact where nothing recurses',
    )
  if (options.base) {
    const base = baseInput(profile, m, options.base)
    inputs.push(base.input)
    profile.meta.notes.push(...base.notes)
    subtitles.push(
      'Differential: widths from this profile, colours by change against the base (red grew, blue shrank)',
    )
  }
  const { tree, skipped } = buildTree(inputs, options.reverse === true)
  if (skipped > 0)
    profile.meta.notes.push(
      `flamegraph: ${skipped} sample value(s) that were negative or not finite were left out`,
    )
  const total = tree.value[0][0]
  const minwidth = options.minwidth ?? 0.1
  const boxes = layout(tree, total > 0 ? (Math.max(0, minwidth) / width) * total : Infinity)

  let maxDepth = 0
  for (const box of boxes) if (box.depth > maxDepth) maxDepth = box.depth
  const inverted = options.inverted === true
  const top = 24 + (subtitles.length + 1) * 16
  const bottom = 34
  const height = top + (maxDepth + 1) * FRAME_HEIGHT + bottom
  const title = options.title ?? (inverted ? 'Icicle Graph' : 'Flame Graph')

  const unit = formatValue(metric, total)
  const colorOf = fillFor(tree, boxes, palette, profile, options, total)
  const out: string[] = []
  out.push(
    '<?xml version="1.0" standalone="no"?>\n',
    `<svg version="1.1" width="${imageWidth}" height="${height}" viewBox="0 0 ${imageWidth} ${height}" xmlns="http://www.w3.org/2000/svg">\n`,
    `<style>${STYLE}</style>\n`,
    `<rect width="100%" height="100%" fill="#f8f8f0"/>\n`,
    `<text class="fg-title" x="${imageWidth / 2}" y="24">${xmlText(title)}</text>\n`,
  )
  subtitles.forEach((line, i) =>
    out.push(
      `<text class="fg-subtitle" x="${imageWidth / 2}" y="${42 + i * 16}">${xmlText(line)}</text>\n`,
    ),
  )
  const metricLine = `${metric.name} (${metric.unit}), total ${unit(total)}${options.reverse ? ', stacks reversed (callers above the function that spent)' : ''}`
  out.push(
    `<text class="fg-subtitle" x="${imageWidth / 2}" y="${42 + subtitles.length * 16}">${xmlText(metricLine)}</text>\n`,
    `<text class="fg-button fg-reset fg-hidden" x="${PAD_X}" y="24">Reset Zoom</text>\n`,
    `<text class="fg-button fg-search fg-right" x="${imageWidth - PAD_X - 24}" y="24">Search</text>\n`,
    `<text class="fg-button fg-ic fg-right fg-off" x="${imageWidth - PAD_X}" y="24">ic</text>\n`,
    `<text class="fg-details" x="${PAD_X}" y="${height - 12}"> </text>\n`,
    `<text class="fg-details fg-matched fg-right" x="${imageWidth - PAD_X}" y="${height - 12}"></text>\n`,
    `<g class="fg-frames" data-total="${total}" data-left="${PAD_X}" data-width="${width}" data-char="${CHAR_WIDTH}" data-down="${inverted ? 1 : -1}">\n`,
  )
  const frames = profile.frames.frames
  const share = (v: number) => (total > 0 ? ((100 * v) / total).toFixed(2) : '0.00')
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i]
    const label = box.merged
      ? `${box.merged} functions narrower than ${minwidth} px`
      : box.node === 0
        ? 'all'
        : tree.labels[tree.label[box.node]]
    // The box shows the function's name, the start of its label (`name (file:line)`).
    const frame = box.merged || box.node === 0 ? -1 : tree.frameOf[tree.label[box.node]]
    const name = frame >= 0 && label.startsWith(frames[frame].name) ? frames[frame].name : label
    let about = `${unit(box.value)}, ${share(box.value)}%`
    if (options.base) about += `; ${changeText(box.value - box.base, total)}`
    const x = PAD_X + (box.x / total) * width
    const w = (box.value / total) * width
    const y = inverted
      ? top + box.depth * FRAME_HEIGHT
      : height - bottom - (box.depth + 1) * FRAME_HEIGHT
    out.push(
      `<g data-x="${box.x}" data-w="${box.value}"${options.base ? ` data-b="${box.base}"` : ''} data-l="${label.length}" data-n="${name.length}"${box.merged ? ' data-m=""' : ''}>`,
      `<title>${xmlText(`${label} (${about})`)}</title>`,
      `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${FRAME_HEIGHT - 1}" fill="${colorOf(i)}" rx="2" ry="2"/>`,
      `<text x="${(x + 3).toFixed(2)}" y="${y + FRAME_HEIGHT - 4.5}">${xmlText(fit(name, w))}</text></g>\n`,
    )
  }
  out.push('</g>\n', `<script><![CDATA[${SCRIPT}]]></script>\n`, '</svg>\n')
  return out.join('')
}

/** The label cut to fit `px` pixels (`..` marks the cut); empty when under three characters. */
function fit(label: string, px: number): string {
  const room = Math.floor((px - 6) / CHAR_WIDTH)
  if (room < 3) return ''
  return label.length <= room ? label : `${label.slice(0, room - 2)}..`
}

function fillFor(
  tree: FlameTree,
  boxes: readonly Box[],
  palette: Palette,
  profile: Profile,
  options: FlamegraphOptions,
  total: number,
): (i: number) => string {
  if (options.base) {
    const tolerance = ((options.compareTolerance ?? 0.1) / 100) * total
    let largest = 0
    for (const box of boxes) largest = Math.max(largest, Math.abs(box.value - box.base))
    return (i) => {
      const change = boxes[i].value - boxes[i].base
      return changeColor(Math.abs(change) <= tolerance || largest === 0 ? 0 : change / largest)
    }
  }
  const frames = profile.frames.frames
  return (i) => {
    const box = boxes[i]
    if (box.merged) return 'rgb(200,200,200)'
    if (box.node === 0) return 'rgb(230,230,220)'
    const label = tree.label[box.node]
    const f = tree.frameOf[label]
    return frameColor(palette, tree.labels[label], f >= 0 ? frames[f] : undefined)
  }
}

/** `+1.23% of total` / `-0.50% of total` / `no change`: a box's change against the base. */
function changeText(change: number, total: number): string {
  if (change === 0 || total <= 0) return 'no change'
  const percent = (100 * change) / total
  return `${percent > 0 ? '+' : ''}${percent.toFixed(2)}% of total vs base`
}

/**
 * The base profile as the tree's second column: values of the same metric (by name, else the
 * base's default), converted to this metric's unit when both are times, else scaled so both
 * totals are equal (shares are compared).
 */
function baseInput(
  profile: Profile,
  m: number,
  base: Profile,
): { input: FlameInput; notes: string[] } {
  const notes: string[] = []
  const metric = profile.metrics[m]
  let bm = base.metrics.findIndex((b) => b.name === metric.name)
  if (bm < 0) {
    bm = base.defaultMetric
    notes.push(
      `--compare: the base has no metric '${metric.name}'; compared with its '${base.metrics[bm].name}'`,
    )
  }
  let scale = timeScale(base.metrics[bm], metric)
  if (scale === undefined && base.metrics[bm].unit !== metric.unit) {
    const total = sampleTotal(profile, m)
    const baseTotal = sampleTotal(base, bm)
    scale = baseTotal > 0 ? total / baseTotal : 1
    notes.push(
      `--compare: ${base.metrics[bm].unit} and ${metric.unit} do not convert; the base was scaled to this profile's total (shares are compared)`,
    )
  }
  return { input: { profile: base, metric: bm, scale: scale ?? 1 }, notes }
}

function sampleTotal(profile: Profile, m: number): number {
  const values = profile.samples?.values[m]
  let sum = 0
  if (values) for (let i = 0; i < values.length; i++) if (values[i] > 0) sum += values[i]
  return sum
}

function timeScale(from: Metric, to: Metric): number | undefined {
  const a = nanosecondsPer(from.unit)
  const b = nanosecondsPer(to.unit)
  return a !== undefined && b !== undefined ? a / b : undefined
}
