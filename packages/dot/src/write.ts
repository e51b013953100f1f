import {
  graphOf,
  graphTotals,
  resolveMetric,
  type Frame,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { quote, quoteLines } from './escape.js'
import { COLOR_THEME, arrowSize, fontSize, penWidth, weightColor, type Theme } from './theme.js'

export interface DotOptions extends WriteOptions {
  /** Hide functions whose total is below this percent of the profile total. Default 0.5. */
  nodeThres?: number
  /** Hide calls whose total is below this percent of the profile total. Default 0.1. */
  edgeThres?: number
  theme?: Theme
  /** Colour skew: > 1 gives more colours to hot functions. Default 1. */
  skew?: number
}

/**
 * Draws a profile's call graph in the gprof2dot tradition: one box per function with its name,
 * total % and (self %) of the profile and its call count; one arrow per call with the callee's
 * total % under that caller and the call count; colour, pen width and arrow size by weight.
 * Percentages are of the sum of all self costs of the chosen metric.
 */
export function writeDot(profile: Profile, options: DotOptions = {}): string {
  const { nodeThres = 0.5, edgeThres = 0.1, theme = COLOR_THEME, skew = 1 } = options
  const m = resolveMetric(profile.metrics, profile.defaultMetric, options.metric)
  const graph = graphOf(profile)
  const total = graphTotals(graph, profile.metrics.length)[m]
  const ratio = (v: number) => (total > 0 ? v / total : 0)
  const python = profile.meta.format.startsWith('pstats')

  const shown = new Set<number>()
  const out = [
    'digraph {',
    `\tgraph [fontname=${quote(theme.fontName)}, nodesep=0.125, ranksep=0.25];`,
    `\tnode [fontcolor=white, fontname=${quote(theme.fontName)}, height=0, shape=box, style=filled, width=0];`,
    `\tedge [fontname=${quote(theme.fontName)}];`,
  ]
  for (const node of graph.nodes) {
    const weight = ratio(node.total[m])
    if (weight * 100 < nodeThres) continue
    shown.add(node.frame)
    const frame = profile.frames.get(node.frame)
    const lines = [
      ...nameLines(frame, python),
      percent(weight),
      `(${percent(ratio(node.self[m]))})`,
      ...(node.calls !== undefined ? [`${Math.round(node.calls)}×`] : []),
    ]
    const color = weightColor(theme, weight, skew)
    out.push(
      `\t${node.frame} [color=${quote(color)}, fontcolor="#ffffff", fontsize=${quote(fontSize(theme, weight).toFixed(2))}, label=${quoteLines(lines)}, tooltip=${quote(frame.file ?? frame.name)}];`,
    )
  }
  for (const edge of graph.edges) {
    const weight = ratio(edge.total[m])
    if (!shown.has(edge.caller) || !shown.has(edge.callee) || weight * 100 < edgeThres) continue
    const lines = [
      percent(weight),
      ...(edge.calls !== undefined ? [`${Math.round(edge.calls)}×`] : []),
    ]
    const color = quote(weightColor(theme, weight, skew))
    const pen = penWidth(theme, weight)
    out.push(
      `\t${edge.caller} -> ${edge.callee} [arrowsize=${quote(arrowSize(theme, weight).toFixed(2))}, color=${color}, fontcolor=${color}, fontsize=${quote(fontSize(theme, weight).toFixed(2))}, label=${quoteLines(lines)}, labeldistance=${quote(pen.toFixed(2))}, penwidth=${quote(pen.toFixed(2))}];`,
    )
  }
  out.push('}', '')
  return out.join('\n')
}

/**
 * The name lines of a box. Python frames read as gprof2dot shows them for pstats:
 * `module:line:function`, the module being the file's base name without extension
 * (builtins: `~:0:name`); other frames show the name, then the module's base name if known.
 */
function nameLines(frame: Frame, python: boolean): string[] {
  if (python) {
    const module = frame.file === undefined ? '~' : baseName(frame.file).replace(/\.[^.]*$/, '')
    return [`${module}:${frame.line ?? 0}:${frame.name}`]
  }
  return frame.module ? [frame.name, baseName(frame.module)] : [frame.name]
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`
}
