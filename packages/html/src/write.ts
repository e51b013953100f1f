import { writeDot } from '@profconv/dot'
import { resolveMetric, withGraph, type Profile, type WriteOptions } from '@profconv/model'
import { renderSvg } from '@profconv/svg'
import { PAGE_SCRIPT } from './generated/page.js'
import { VIZ_WASM_BASE64, VIZ_WORKER } from './generated/viz.js'
import type { FirstView, Settings } from './page/app.js'
import { encodeProfile, type ProfileData } from './serialize.js'
import { STYLE, BODY } from './template.js'

/** Options of {@link writeHtml}: where the report's controls start. */
export interface HtmlOptions extends WriteOptions {
  nodeThres?: number
  edgeThres?: number
  focus?: string | readonly string[]
  hide?: string | readonly string[]
  ignore?: string | readonly string[]
  nodeCount?: number
  colors?: string
  minwidth?: number
  title?: string
}

const list = (v: string | readonly string[] | undefined) =>
  v === undefined ? [] : typeof v === 'string' ? [v] : [...v]

/**
 * Writes the whole report as one self-contained HTML file: the call graph (laid out in the page
 * by the dot writer and Graphviz compiled to WebAssembly, in a worker), the flame graph, the top
 * table and the notes. Nothing is fetched; names reach the page as JSON data (with `<`, `>`, `&`
 * and line separators escaped), never as markup.
 */
export function writeHtml(profile: Profile, options: HtmlOptions = {}): string {
  const { profile: data, ...start } = reportData(profile, options)
  const viz = scriptJson({ worker: VIZ_WORKER, wasm: VIZ_WASM_BASE64 })
  const title =
    options.title ?? `profconv report${profile.meta.name ? `: ${profile.meta.name}` : ''}`
  return [
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
    `<title>${htmlText(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n`,
    BODY,
    // The profile is read after the first view is drawn (from `start`): big ones take a while.
    `<script type="application/json" id="profconv-start">${scriptJson(start)}</script>\n`,
    `<script type="application/json" id="profconv-data">${scriptJson(data)}</script>\n`,
    `<script>window.profconvViz = ${viz};</script>\n`,
    `<script>${PAGE_SCRIPT}</script>\n</body>\n</html>\n`,
  ].join('')
}

/**
 * What the report's views are given (`mountReport` of `@profconv/html/page`): the profile as
 * plain data, the settings the controls start with, from `options`, and the call graph of those
 * settings already written by the dot writer (the page draws it before reading the profile).
 */
export function reportData(
  profile: Profile,
  options: HtmlOptions = {},
): { profile: ProfileData; settings: Settings; first: FirstView } {
  const settings: Settings = {
    metric: resolveMetric(profile.metrics, profile.defaultMetric, options.metric),
    nodeThres: options.nodeThres ?? 0.5,
    edgeThres: options.edgeThres ?? 0.1,
    focus: list(options.focus),
    hide: list(options.hide),
    ignore: list(options.ignore),
    nodeCount: options.nodeCount ?? 200,
    colors: options.colors ?? 'hot',
    minwidth: options.minwidth ?? 0.1,
  }
  return { profile: encodeProfile(profile), settings, first: firstView(profile, settings) }
}

/** The dot writer's drawing for `settings`, its notes kept apart from the profile's. */
function firstView(profile: Profile, settings: Settings): FirstView {
  const notes: string[] = []
  const dot = writeDot(withGraph({ ...profile, meta: { ...profile.meta, notes } }), {
    metric: settings.metric,
    nodeThres: settings.nodeThres,
    edgeThres: settings.edgeThres,
    focus: settings.focus,
    hide: settings.hide,
    ignore: settings.ignore,
    nodeCount: settings.nodeCount,
  })
  return {
    dot,
    svg: layOut(dot),
    notes,
    metrics: profile.metrics.map((m) => ({ name: m.name, unit: m.unit })),
    format: profile.meta.format,
    name: profile.meta.name,
    functions: profile.frames.length,
  }
}

/**
 * The drawing laid out by Graphviz here (in Node), so that the page shows it without starting
 * its own; undefined in a browser, where `renderSvg` is not available (the page lays it out).
 */
function layOut(dot: string): string | undefined {
  if (!/^\t\d+ \[/m.test(dot)) return undefined
  try {
    return renderSvg(dot)
  } catch {
    return undefined
  }
}

/** JSON safe inside a script element: no `</script`, `<!--` or line separators as they are. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

function htmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
