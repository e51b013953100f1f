import {
  ProfconvError,
  nanosecondsPer,
  resolveMetric,
  type Frame,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { changeColor, checkTolerance, compareWith, signedPercent } from './compare.js'
import { addLines, addTooltip, quote } from './escape.js'
import {
  baseName,
  FixedText,
  displayName,
  formatValue,
  percent,
  shorten,
  stripName,
  wrapName,
} from './label.js'
import { TextBuffer } from './text.js'
import { globToRegExp, selectDrawing, type DrawnEdge, type DrawnNode } from './select.js'
import {
  THEMES,
  arrowSize,
  fontSize,
  nodeTextColor,
  hexColor,
  penWidth,
  weightRgb,
  type Theme,
} from './theme.js'

/** What a box can show besides the name, by gprof2dot's `--node-label` names. */
export const NODE_LABELS = [
  'total-time-percentage',
  'self-time-percentage',
  'total-time',
  'self-time',
] as const
export type NodeLabel = (typeof NODE_LABELS)[number]

/** One value or several: options that may be given more than once on the command line. */
type Many<T> = T | readonly T[]

export interface DotOptions extends WriteOptions {
  /** Hide functions whose total is below this percent of the profile total. Default 0.5. */
  nodeThres?: number
  /** Hide calls whose total is below this percent of the profile total. Default 0.1. */
  edgeThres?: number
  /** gprof2dot colour map: `color` (default), `pink`, `gray`, `bw`, `print`. */
  colormap?: string
  /** A theme of one's own; wins over `colormap`. */
  theme?: Theme
  /** Colour skew: > 1 gives more colours to hot functions, < 1 to cold ones. Default 1. */
  skew?: number
  /** Colour boxes by self cost (relative to the largest shown) instead of total. */
  colorNodesBySelftime?: boolean
  /** Draw only these functions (shell globs on the shown name) and what they call. */
  root?: Many<string>
  /** Draw only these functions (shell globs) and what calls them. */
  leaf?: Many<string>
  /** How many calls below `root` / above `leaf` to follow; negative for all. Default -1. */
  depth?: number
  /** Keep only functions whose file starts with (or module contains) one of these. */
  path?: Many<string>
  /** Strip C++ argument lists, `const` and template arguments from names. */
  strip?: boolean
  /** Fold long names onto several lines. */
  wrap?: boolean
  /** What boxes show, in order. Default total-time-percentage, self-time-percentage. */
  nodeLabel?: Many<string>
  /** printf format for total-time/self-time (in seconds for time metrics), e.g. `%.7g`. */
  timeFormat?: string
  /** Add each function's own sample count (or raw self cost) to its box. */
  showSamples?: boolean
  /** Instead of the graph, list the shown functions matching this glob (`+` for all). */
  listFunctions?: string
  /** Keep only stacks through a frame matching one of these regexes (name, file or module). */
  focus?: Many<string>
  /** Drop stacks through a frame matching one of these regexes. */
  ignore?: Many<string>
  /** Take matching frames out of the stacks; their cost stays with their callers. */
  hide?: Many<string>
  /** Keep only matching frames in the stacks. */
  show?: Many<string>
  /** Draw at most this many functions, the heaviest; dotted edges join across removed ones. */
  nodeCount?: number
  /**
   * A base profile (any format) to compare with, as gprof2dot's `--compare` and pprof's
   * `-diff_base`: this profile's graph is drawn, coloured by each function's and call's change
   * of total against the base (red slower, green faster, grey unchanged), with the change as a
   * percentage of the base total under the usual labels. Functions are matched by identity.
   */
  base?: Profile
  /** Changes within this many percent of the base total are drawn as unchanged. Default 0.1. */
  compareTolerance?: number
}

/**
 * Draws a profile's call graph in the gprof2dot tradition: one box per function with its name,
 * total % and (self %) of the profile and its call count; one arrow per call with the callee's
 * total % under that caller and the call count; colour, pen width and arrow size by weight.
 * Percentages are of the sum of all self costs of the chosen metric, or of the largest total
 * where larger (`shareTotals`: never above 100 %), before any filter. Estimated totals (call
 * cycles' members) are marked `~`, explained in the graph's label; cycles are outlined.
 * Pure and browser-safe; anything it had to approximate is pushed to `profile.meta.notes`.
 */
export function writeDot(profile: Profile, options: DotOptions = {}): string {
  const text = dotText(profile, options)
  return typeof text === 'string' ? text : text.toString()
}

/**
 * `writeDot`'s text as UTF-8, handed to `sink` (valid during the call): the bytes the writer
 * builds, not decoded into a string that the CLI would encode again to write it.
 */
export function writeDotBytes(
  profile: Profile,
  options: DotOptions,
  sink: (chunk: Uint8Array) => void,
): void {
  const text = dotText(profile, options)
  sink(typeof text === 'string' ? new TextEncoder().encode(text) : text.toBytes())
}

/** The drawing (or `--list-functions`' list) as `writeDot` describes it. */
function dotText(profile: Profile, options: DotOptions): TextBuffer | string {
  const m = resolveMetric(profile.metrics, profile.defaultMetric, options.metric)
  const metric = profile.metrics[m]
  const python = profile.meta.format.startsWith('pstats')
  const theme = options.theme ?? themeNamed(options.colormap ?? 'color')
  const skew = options.skew ?? 1
  if (!(skew > 0)) throw new ProfconvError('dot', `--skew must be greater than 0, not ${skew}`)
  const labels = list(options.nodeLabel)
  for (const l of labels)
    if (!(NODE_LABELS as readonly string[]).includes(l))
      throw new ProfconvError('dot', `unknown --node-label '${l}': use ${NODE_LABELS.join(', ')}`)
  const shownLabels = labels.length > 0 ? labels : ['total-time-percentage', 'self-time-percentage']
  const nameOf = (frame: Frame) => {
    const name = displayName(frame, python)
    return options.strip ? stripName(name) : name
  }

  const drawing = selectDrawing(profile, {
    metric: m,
    nodeThres: options.nodeThres ?? 0.5,
    edgeThres: options.edgeThres ?? 0.1,
    paths: list(options.path),
    roots: list(options.root),
    leaves: list(options.leaf),
    depth: options.depth ?? -1,
    nodeCount: options.nodeCount,
    filters: {
      focus: regexes('focus', options.focus),
      ignore: regexes('ignore', options.ignore),
      hide: regexes('hide', options.hide),
      show: regexes('show', options.show),
    },
    nameOf,
  })
  profile.meta.notes.push(...drawing.notes)
  const tolerance = checkTolerance(options.compareTolerance ?? 0.1)
  const comparison = options.base && compareWith(profile, m, options.base, options.nodeThres ?? 0.5)
  if (comparison) profile.meta.notes.push(...comparison.notes)

  if (options.listFunctions !== undefined) {
    const selector = options.listFunctions
    const all = selector === '+' || selector === '*' || selector === ''
    const pattern = globToRegExp(selector)
    return drawing.nodes
      .map((n) => profile.frames.get(n.frame))
      .filter((f) => all || pattern.test(nameOf(f)) || pattern.test(f.name))
      .map((f) => (f.file ? `${nameOf(f)}\t${f.file}` : nameOf(f)) + '\n')
      .join('')
  }

  const ratio = (v: number) => (drawing.total > 0 ? v / drawing.total : 0)
  const maxSelf = largest(drawing.nodes.map((n) => ratio(n.self)))
  const nodeWeight = (n: DrawnNode) =>
    options.colorNodesBySelftime ? (maxSelf > 0 ? ratio(n.self) / maxSelf : 0) : ratio(n.total)
  const value = (v: number) => formatValue(v, metric, options.timeFormat)
  // --compare: changes are shares of the base total; colours are relative to the largest change.
  const baseTotal = comparison && comparison.total > 0 ? comparison.total : drawing.total
  const change = (now: number, before: number | undefined) =>
    baseTotal > 0 ? (now - (before ?? 0)) / baseTotal : 0
  const nodeChange = (n: DrawnNode) => change(n.total, comparison?.node(n.frame)?.total)
  const edgeChange = (e: DrawnEdge) => change(e.total, comparison?.edge(e.caller, e.callee))
  const largestChange = comparison
    ? largest([
        ...drawing.nodes.map((n) => Math.abs(nodeChange(n))),
        ...drawing.edges.filter((e) => !e.back).map((e) => Math.abs(edgeChange(e))),
      ])
    : 0
  const font = quote(theme.fontName)

  // About 150 bytes a statement (longer for long names: the buffer grows).
  const out = new TextBuffer(160 * (drawing.nodes.length + drawing.edges.length) + 1024)
  out.add(
    'digraph {\n' +
      '\ttooltip=" ";\n' +
      `\tgraph [fontname=${font}, nodesep=0.125, ranksep=0.25];\n` +
      `\tnode [fontcolor=${quote(theme.fontColor)}, fontname=${font}, height=0, shape=box, style=${theme.nodeStyle}, width=0];\n` +
      `\tedge [fontname=${font}];\n`,
  )
  // A big drawing (35k boxes, 90k arrows) repeats few colours and sizes: their quoted strings
  // are made once each, not per statement. (Numbers never need escaping.)
  const style: Style = {
    profile,
    m,
    python,
    options,
    shownLabels,
    theme,
    nameOf,
    ratio,
    value,
    nodeWeight,
    change,
    nodeChange,
    edgeChange,
    largestChange,
    tolerance,
    comparison,
    colors: new QuotedColors(theme, skew),
    filledText: theme.nodeStyle === 'filled' ? quote(nodeTextColor(theme, 0, skew)) : '',
    fontSizes: new FixedText('"', '"'),
    arrowSizes: new FixedText('"', '"'),
    penWidths: new FixedText('"', '"'),
  }
  writeNodes(out, drawing.nodes, style)
  writeEdges(out, drawing.edges, style)
  // Each call cycle drawn with two or more members is outlined (a cluster of its members).
  drawing.cycles.forEach((members, i) => {
    out.add(`\tsubgraph cluster_cycle${i + 1} {\n\t\tcolor="#808080";\n\t\tlabel="";\n`)
    out.add('\t\tstyle="dashed,rounded";\n\t\ttooltip="call cycle (mutual recursion)";\n\t\t')
    for (const frame of members) {
      out.int(frame)
      out.add('; ')
    }
    out.add('\n\t}\n')
  })
  if (drawing.nodes.some((n) => n.estimated))
    out.add(`\tfontsize=10;\n\tlabel=${quote(ESTIMATE_LEGEND)};\n\tlabeljust=l;\n\tlabelloc=b;\n`)
  out.add('}\n')
  return out
}

/** What `writeDot` draws every box and arrow with (the options, the scales, shared strings). */
interface Style {
  profile: Profile
  m: number
  python: boolean
  options: DotOptions
  shownLabels: readonly string[]
  theme: Theme
  nameOf(frame: Frame): string
  ratio(v: number): number
  value(v: number): string
  nodeWeight(n: DrawnNode): number
  change(now: number, before: number | undefined): number
  nodeChange(n: DrawnNode): number
  edgeChange(e: DrawnEdge): number
  largestChange: number
  tolerance: number
  comparison: ReturnType<typeof compareWith> | undefined
  colors: QuotedColors
  filledText: string
  fontSizes: FixedText
  arrowSizes: FixedText
  penWidths: FixedText
}

// The boxes and the arrows are each written by a function of its own: a drawing is written
// once, mostly before V8 has optimised the code, and a function with one loop is optimised (on-
// stack replacement) once, where a long one is compiled again after each loop.

/** One statement per box. */
function writeNodes(out: TextBuffer, nodes: readonly DrawnNode[], style: Style): void {
  const { profile, m, python, options, shownLabels, theme, nameOf, ratio, value } = style
  const { nodeWeight, change, nodeChange, largestChange, tolerance, comparison } = style
  const { colors, filledText, fontSizes } = style
  for (const node of nodes) {
    const frame = profile.frames.get(node.frame)
    const name = shorten(nameOf(frame))
    const lines: string[] = []
    if (!python && frame.module) lines.push(baseName(frame.module))
    if (options.wrap) lines.push(...wrapName(name))
    else lines.push(name)
    // An estimated total (a call cycle's member) is marked `~`, explained in the graph's label.
    const mark = node.estimated ? '~' : ''
    for (const label of shownLabels) {
      if (label === 'total-time-percentage') lines.push(mark + percent(ratio(node.total)))
      else if (label === 'self-time-percentage') lines.push(`(${percent(ratio(node.self))})`)
      else if (label === 'total-time') lines.push(mark + value(node.total))
      else lines.push(`(${value(node.self)})`)
    }
    if (options.showSamples) lines.push(samplesText(profile, m, node.self))
    if (node.calls !== undefined) lines.push(`${Math.round(node.calls)}×`)
    const weight = nodeWeight(node)
    const color = colors.of(weight)
    let colorAttrs = `color=${color}, fontcolor=${filledText || color}`
    if (comparison) {
      const before = comparison.node(node.frame)
      lines.push(
        before
          ? `${signedPercent(nodeChange(node))} (${signedPercent(change(node.self, before.self))})`
          : 'new',
      )
      colorAttrs = `color=${quote(changeColor(nodeChange(node), largestChange, tolerance))}, fontcolor="black"`
    }
    out.add('\t')
    out.int(node.frame)
    out.add(' [')
    out.add(colorAttrs)
    out.add(', fontsize=')
    out.add(fontSizes.of(fontSize(theme, weight)))
    out.add(', label=')
    addLines(out, lines)
    out.add(', tooltip=')
    addTooltip(out, tooltip(frame))
    out.add('];\n')
  }
}

/** One statement per arrow. */
function writeEdges(out: TextBuffer, edges: readonly DrawnEdge[], style: Style): void {
  const { theme, ratio, edgeChange, largestChange, tolerance, comparison } = style
  const { colors, fontSizes, arrowSizes, penWidths } = style
  for (const edge of edges) {
    const weight = ratio(edge.total)
    let color = colors.of(weight)
    if (comparison && !edge.back)
      color = quote(changeColor(edgeChange(edge), largestChange, tolerance))
    const pen = penWidths.of(penWidth(theme, weight))
    out.add('\t')
    out.int(edge.caller)
    out.add(' -> ')
    out.int(edge.callee)
    out.add(' [arrowsize=')
    out.add(arrowSizes.of(arrowSize(theme, weight)))
    out.add(', color=')
    out.add(color)
    out.add(', fontcolor=')
    out.add(color)
    out.add(', fontsize=')
    out.add(fontSizes.of(fontSize(theme, weight)))
    // The label's lines (percentage, count, change) need no escaping: written as they are.
    out.add(', label="')
    if (!edge.back) out.add(percent(weight))
    if (edge.calls !== undefined) {
      if (!edge.back) out.add('\\n')
      out.int(Math.round(edge.calls))
      out.add('×')
    }
    if (comparison && !edge.back) {
      out.add('\\n')
      const before = comparison.edge(edge.caller, edge.callee)
      out.add(before === undefined ? 'new' : signedPercent(edgeChange(edge)))
    }
    out.add('", labeldistance=')
    out.add(pen)
    out.add(', penwidth=')
    out.add(pen)
    out.add(edge.residual ? ', style=dotted];\n' : '];\n')
  }
}

/** The graph's label where some box's total is an estimate. */
export const ESTIMATE_LEGEND =
  '~ estimated total: a member of a call cycle (dashed outline); the cycle’s cost goes to ' +
  'where it is entered and flows to deeper members in proportion to their calls (as gprof2dot)'

/** A weight's colour as a quoted DOT string, made once per distinct colour. */
class QuotedColors {
  private readonly byRgb = new Map<number, string>()

  constructor(
    private readonly theme: Theme,
    private readonly skew: number,
  ) {}

  of(weight: number): string {
    const rgb = weightRgb(this.theme, weight, this.skew)
    let text = this.byRgb.get(rgb)
    if (text === undefined) this.byRgb.set(rgb, (text = quote(hexColor(rgb))))
    return text
  }
}

/**
 * `Math.max(0, ...values)` without spreading: a drawing of a million calls (`-e 0`) is more
 * arguments than a call can take.
 */
function largest(values: readonly number[]): number {
  let max = 0
  for (const v of values) max = Math.max(max, v)
  return max
}

/** The whole name and where it is defined: the box's tooltip. */
function tooltip(frame: Frame): string[] {
  const where = frame.file ? `${frame.file}${frame.line ? `:${frame.line}` : ''}` : frame.module
  return where ? [frame.name, where] : [frame.name]
}

/** `--show-samples`: self cost in samples where a sampling period is known, else as measured. */
function samplesText(profile: Profile, m: number, self: number): string {
  const metric = profile.metrics[m]
  const period = profile.meta.period
  if (period && period.value > 0) {
    const a = nanosecondsPer(period.metric.unit)
    const b = nanosecondsPer(metric.unit)
    const scale =
      a !== undefined && b !== undefined ? b / a : period.metric.unit === metric.unit ? 1 : 0
    if (scale > 0) return `${Math.round((self * scale) / period.value)} samples`
  }
  if (metric.unit === 'count') return `${Math.round(self)} ${metric.name}`
  return `${formatValue(self, metric)} ${metric.name}`
}

function themeNamed(name: string): Theme {
  const theme = THEMES[name]
  if (!theme)
    throw new ProfconvError(
      'dot',
      `unknown --colormap '${name}': use ${Object.keys(THEMES).join(', ')}`,
    )
  return theme
}

function list(value: Many<string> | undefined): string[] {
  if (value === undefined) return []
  return (typeof value === 'string' ? [value] : [...value]).filter((v) => v !== '')
}

function regexes(flag: string, value: Many<string> | undefined): RegExp[] {
  return list(value).map((source) => {
    try {
      return new RegExp(source)
    } catch (error) {
      throw new ProfconvError(
        'dot',
        `--${flag} '${source}' is not a regular expression: ${(error as Error).message}`,
      )
    }
  })
}
