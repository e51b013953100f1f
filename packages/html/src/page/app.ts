/**
 * The report's views, shared by the `-t html` page (main.ts) and the web page (`packages/web`):
 * {@link mountReport} draws a profile into the report's markup (`BODY`): the call graph with the
 * dot writer and Graphviz (WebAssembly, in the worker the caller gives), the flame graph, the top
 * table and the notes. Every name reaches the page through `textContent`, an attribute, or
 * Graphviz's and the flame graph's escaped SVG: never as markup.
 */
import { writeDot } from '@profconv/dot'
import { writeFlamegraph } from '@profconv/flamegraph'
import { frameText, graphOf, withSamples, type GraphNode, type Profile } from '@profconv/model'
import { framesWithLines } from '../lines.js'
import { decodeProfile, type ProfileData } from '../serialize.js'
import { $, element, formatShare, formatValue, setRoot } from './dom.js'
import { drawLines } from './lines-view.js'

/** The options the report starts with (the writer puts them beside the data). */
export interface Settings {
  metric: number
  nodeThres: number
  edgeThres: number
  focus: string[]
  hide: string[]
  ignore: string[]
  colors: string
  minwidth: number
  nodeCount: number
}

/**
 * The call graph for the starting settings, made by the writer so that the page draws it
 * before reading the profile: the dot writer's text and notes, and what the header shows.
 */
export interface FirstView {
  dot: string
  /** Graphviz's SVG of `dot`, when the writer could lay it out. */
  svg?: string
  notes: string[]
  metrics: { name: string; unit: string }[]
  format: string
  name?: string
  functions: number
}

/**
 * What {@link mountReport} draws: the profile (or a function giving it, called when a view first
 * needs it: big profiles are read after the first view is drawn), the starting settings and,
 * optionally, the first view already made.
 */
export interface ReportData {
  profile: ProfileData | (() => ProfileData)
  settings: Settings
  first?: FirstView
}

let source: ReportData['profile']
let first: FirstView | undefined
/** What the header shows until the profile is read. */
let summary: FirstView | undefined
let loaded: Profile | undefined
let state: Settings
let names: string[]
let graphProfile: Profile | undefined
let sampleProfile: Profile | undefined

/** The profile, decoded on first use. */
function load(): Profile {
  if (loaded) return loaded
  const profile = decodeProfile(typeof source === 'function' ? source() : source)
  loaded = profile
  document.body.dataset.loaded = String(Math.round(performance.now()))
  // Graphviz (a worker compiling its wasm) is started now, ready for the next layout.
  setTimeout(graphviz, 0)
  names = profile.frames.frames.map(frameText)
  withLines = framesWithLines(profile.positions)
  $<HTMLElement>('#tab-lines').hidden = withLines.size === 0
  linesFrame = withLines.size === 0 ? -1 : firstLinesFrame()
  return profile
}
const withGraphOnce = () => (graphProfile ??= { ...load(), graph: graphOf(load()) })

// ---- Graphviz, started on first use by the caller's function ------------------------------
/** What the views need of Graphviz: viz.js's `Viz` (in a worker) fits. */
export interface Graphviz {
  renderString(dot: string): Promise<string>
}
let startViz: () => Graphviz
let viz: Graphviz | undefined
const graphviz = (): Graphviz => (viz ??= startViz())

// ---- header and tabs ------------------------------------------------------------------------
function header(): void {
  const p = loaded ?? (summary ? undefined : load())
  const about = p ? undefined : summary
  const metrics = about?.metrics ?? p!.metrics
  const name = about ? about.name : p!.meta.name
  const format = about?.format ?? p!.meta.format
  const functions = about?.functions ?? p!.frames.length
  const metric = metrics[state.metric]
  $<HTMLElement>('#info').textContent =
    `${name ? `${name} — ` : ''}${format}, ${functions} functions, metric ${metric.name} (${metric.unit})`
  const select = $<HTMLSelectElement>('#metric')
  select.replaceChildren(
    ...metrics.map((m, i) => element('option', `${m.name} (${m.unit})`, { value: String(i) })),
  )
  select.value = String(state.metric)
}

function metricControl(): void {
  const select = $<HTMLSelectElement>('#metric')
  select.addEventListener('change', () => {
    state.metric = Number(select.value)
    header()
    refresh()
  })
}

const views = ['graph', 'flame', 'top', 'lines', 'notes'] as const
type View = (typeof views)[number]
let current: View = 'graph'
const drawn = new Set<View>()

function show(view: View): void {
  current = view
  for (const v of views) {
    $<HTMLElement>(`#view-${v}`).hidden = v !== view
    $<HTMLElement>(`#tab-${v}`).classList.toggle('active', v === view)
  }
  if (!drawn.has(view)) {
    drawn.add(view)
    void draw(view)
  }
}

function refresh(): void {
  first = undefined
  drawn.clear()
  drawn.add(current)
  void draw(current)
}

async function draw(view: View): Promise<void> {
  const status = $<HTMLElement>('#status')
  status.textContent = `drawing the ${view === 'flame' ? 'flame graph' : view}…`
  document.body.dataset.busy = view
  // Let the status paint before the work.
  await new Promise((r) => setTimeout(r, 0))
  try {
    if (view === 'graph') await drawGraph()
    else if (view === 'flame') drawFlame()
    else if (view === 'top') drawTop()
    else if (view === 'lines') drawLines(load(), linesFrame, state.metric, profileTotal())
    else drawNotes()
    status.textContent = ''
  } catch (error) {
    status.textContent = `could not draw: ${(error as Error).message}`
  } finally {
    delete document.body.dataset.busy
    document.body.dataset.drawn = `${view}:${++drawCount}`
  }
  // The first view is drawn: read the profile once that frame is painted.
  if (!loaded) requestAnimationFrame(() => setTimeout(load, 0))
}
let drawCount = 0

// ---- call graph ----------------------------------------------------------------------------
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const view = { x: 0, y: 0, scale: 1 }

/** The dot writer's drawing for the current settings, and its notes. */
function graphDot(): { dot: string; notes: string[]; svg?: string } {
  if (first) {
    // Made by the writer for the starting settings: used once, for the first drawing.
    const made = first
    first = undefined
    return made
  }
  const p = withGraphOnce()
  const before = p.meta.notes.length
  const dot = writeDot(p, {
    metric: state.metric,
    nodeThres: state.nodeThres,
    edgeThres: state.edgeThres,
    focus: state.focus,
    hide: state.hide,
    ignore: state.ignore,
    nodeCount: state.nodeCount,
  })
  return { dot, notes: p.meta.notes.splice(before) }
}

async function drawGraph(): Promise<void> {
  const { dot, notes, svg: made } = graphDot()
  const empty = !/^\t\d+ \[/m.test(dot)
  $<HTMLElement>('#graph-notes').textContent = empty
    ? `${notes.join(' ')}. Lower the node threshold to draw more functions.`
    : ''
  if (empty) {
    // Nothing reaches the thresholds: the note says so, and Graphviz has nothing to lay out.
    $<HTMLElement>('#graph').replaceChildren()
    filters()
    return
  }
  const text = made ?? (await graphviz().renderString(dot))
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml')
  const svg = document.importNode(doc.documentElement, true) as unknown as SVGSVGElement
  const holder = $<HTMLElement>('#graph')
  holder.replaceChildren(svg)
  // Graphviz sizes the drawing in points: show it in pixels of that size, scaled to fit.
  const { width, height } = svg.viewBox.baseVal
  svg.setAttribute('width', String(width))
  svg.setAttribute('height', String(height))
  const room = holder.getBoundingClientRect()
  view.scale = Math.min(1, room.width / width, room.height / height) || 1
  view.x = Math.max(0, (room.width - width * view.scale) / 2)
  view.y = 0
  place(svg)
  for (const g of svg.querySelectorAll('g.node')) {
    const id = Number(g.querySelector('title')?.textContent)
    g.addEventListener('click', (e) => {
      e.stopPropagation()
      menu(id, e as MouseEvent)
    })
  }
  filters()
}

function place(svg: SVGSVGElement | null = $('#graph svg')): void {
  if (svg) svg.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`
}

function panZoom(): void {
  const holder = $<HTMLElement>('#graph')
  holder.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault()
      const factor = Math.exp(-e.deltaY / 500)
      const box = holder.getBoundingClientRect()
      const cx = e.clientX - box.left
      const cy = e.clientY - box.top
      view.x = cx - (cx - view.x) * factor
      view.y = cy - (cy - view.y) * factor
      view.scale *= factor
      place()
    },
    { passive: false },
  )
  holder.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX - view.x, y: e.clientY - view.y }
  })
  holder.addEventListener('click', () => closeMenu())
  if (windowBound) return
  windowBound = true
  window.addEventListener('pointermove', (e) => {
    if (!drag) return
    view.x = e.clientX - drag.x
    view.y = e.clientY - drag.y
    place()
  })
  window.addEventListener('pointerup', () => (drag = undefined))
}
let drag: { x: number; y: number } | undefined
let windowBound = false

function closeMenu(): void {
  $<HTMLElement>('#menu').hidden = true
}

function menu(frame: number, e: MouseEvent): void {
  const box = $<HTMLElement>('#menu')
  const name = load().frames.get(frame)?.name ?? String(frame)
  const pattern = `^${escapeRegex(name)}$`
  const act = (list: 'focus' | 'hide' | 'ignore', label: string) => {
    const button = element('button', label, { 'data-action': list })
    button.addEventListener('click', () => {
      closeMenu()
      if (!state[list].includes(pattern)) state[list].push(pattern)
      refresh()
    })
    return button
  }
  const items = [
    element('div', names[frame] ?? name, { class: 'menu-name' }),
    act('focus', 'Focus on it'),
    act('hide', 'Hide it (cost stays in callers)'),
    act('ignore', 'Ignore stacks through it'),
  ]
  if (withLines.has(frame)) {
    const button = element('button', 'Costs per line', { 'data-action': 'lines' })
    button.addEventListener('click', () => {
      closeMenu()
      showLines(frame)
    })
    items.push(button)
  }
  box.replaceChildren(...items)
  box.style.left = `${e.clientX + 4}px`
  box.style.top = `${e.clientY + 4}px`
  box.hidden = false
}

function filters(): void {
  const list = $<HTMLElement>('#filters')
  const chips: HTMLElement[] = []
  for (const kind of ['focus', 'hide', 'ignore'] as const) {
    state[kind].forEach((pattern, i) => {
      const chip = element('button', `${kind}: ${pattern} ×`, { class: 'chip' })
      chip.addEventListener('click', () => {
        state[kind].splice(i, 1)
        refresh()
      })
      chips.push(chip)
    })
  }
  list.replaceChildren(...chips)
}

function controls(): void {
  const bind = (id: string, key: 'nodeThres' | 'edgeThres' | 'nodeCount') => {
    const input = $<HTMLInputElement>(id)
    input.value = String(state[key])
    input.addEventListener('change', () => {
      const v = Number(input.value)
      if (!Number.isFinite(v) || v < 0) return
      state[key] = v
      if (current === 'graph') refresh()
      else drawn.delete('graph')
    })
  }
  bind('#node-thres', 'nodeThres')
  bind('#edge-thres', 'edgeThres')
  bind('#node-count', 'nodeCount')
}

// ---- flame graph ---------------------------------------------------------------------------
function drawFlame(): void {
  sampleProfile ??= withSamples(load())
  const notes = sampleProfile.meta.notes.length
  const svg = writeFlamegraph(sampleProfile, {
    metric: state.metric,
    colors: state.colors,
    minwidth: state.minwidth,
  })
  sampleProfile.meta.notes.splice(notes)
  // The graph's own script runs in the frame (the SVG escapes every name).
  const frame = $<HTMLIFrameElement>('#flame')
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><body style="margin:0">${svg.replace(/^<\?xml[^>]*>\s*/, '')}`
}

// ---- top table ---------------------------------------------------------------------------
const table = {
  sort: 'self' as 'name' | 'self' | 'total' | 'calls',
  filter: '',
  /** The graph's nodes that pass the filter, in the sort order. */
  rows: [] as GraphNode[],
  total: 0,
}
/** Pixels per row of the top table (fixed by its style): rows are drawn as they scroll in. */
const ROW_HEIGHT = 20

function drawTop(): void {
  const graph = withGraphOnce().graph!
  const m = state.metric
  table.total = profileTotal()
  let re: RegExp | undefined
  try {
    re = table.filter ? new RegExp(table.filter, 'i') : undefined
  } catch {
    re = undefined
  }
  const rows = re ? graph.nodes.filter((n) => re.test(names[n.frame])) : graph.nodes.slice()
  const key = {
    name: (a: GraphNode, b: GraphNode) => (names[a.frame] < names[b.frame] ? -1 : 1),
    self: (a: GraphNode, b: GraphNode) => b.self[m] - a.self[m],
    total: (a: GraphNode, b: GraphNode) => b.total[m] - a.total[m],
    calls: (a: GraphNode, b: GraphNode) => (b.calls ?? -1) - (a.calls ?? -1),
  }[table.sort]
  table.rows = rows.sort(key)
  $<HTMLElement>('#top-count').textContent = `${rows.length} functions, by ${table.sort}`
  $<HTMLElement>('#top-scroll').scrollTop = 0
  topWindow()
}

/** Draws the rows of the top table that are in (or near) its scrolled view. */
function topWindow(): void {
  const scroller = $<HTMLElement>('#top-scroll')
  const { rows, total } = table
  const m = state.metric
  const height = scroller.clientHeight || 800
  const from = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - 20)
  const to = Math.min(rows.length, from + Math.ceil(height / ROW_HEIGHT) + 40)
  const body = $<HTMLTableSectionElement>('#top tbody')
  body.replaceChildren(
    ...rows.slice(from, to).map((n) => {
      const tr = element('tr')
      if (withLines.has(n.frame)) {
        tr.classList.add('has-lines')
        tr.title = 'click: costs per line'
        tr.addEventListener('click', () => showLines(n.frame))
      }
      tr.append(
        element('td', formatValue(n.self[m])),
        element('td', formatShare(n.self[m], total)),
        element('td', formatValue(n.total[m])),
        element('td', formatShare(n.total[m], total)),
        element('td', n.calls === undefined ? '' : String(n.calls)),
        element('td', names[n.frame]),
      )
      return tr
    }),
  )
  const pad = $<HTMLElement>('#top-rows')
  pad.style.paddingTop = `${from * ROW_HEIGHT}px`
  pad.style.paddingBottom = `${(rows.length - to) * ROW_HEIGHT}px`
}

function topControls(): void {
  for (const th of document.querySelectorAll<HTMLElement>('#top th[data-sort]')) {
    th.addEventListener('click', () => {
      table.sort = th.dataset.sort as typeof table.sort
      drawTop()
    })
  }
  let pending = false
  $<HTMLElement>('#top-scroll').addEventListener('scroll', () => {
    if (pending) return
    pending = true
    requestAnimationFrame(() => {
      pending = false
      topWindow()
    })
  })
  const search = $<HTMLInputElement>('#top-search')
  search.addEventListener('input', () => {
    table.filter = search.value
    drawTop()
  })
}

// ---- costs per line ---------------------------------------------------------------------
/** The function the Lines view shows (at first the one of most self cost that has lines). */
let linesFrame = -1
let withLines = new Set<number>()

/** The sum of self costs of the current metric: what shares in the tables are of. */
function profileTotal(): number {
  let total = 0
  for (const n of withGraphOnce().graph!.nodes) total += n.self[state.metric]
  return total
}

function showLines(frame: number): void {
  linesFrame = frame
  drawn.delete('lines')
  show('lines')
}

function firstLinesFrame(): number {
  let best = -1
  let most = -Infinity
  for (const n of withGraphOnce().graph!.nodes) {
    if (n.self[state.metric] > most && withLines.has(n.frame)) {
      best = n.frame
      most = n.self[state.metric]
    }
  }
  return best
}

// ---- notes ------------------------------------------------------------------------------------
function drawNotes(): void {
  const list = $<HTMLElement>('#notes-list')
  const profile = load()
  const notes = [
    ...profile.meta.notes,
    ...(sampleProfile?.meta.notes.slice(profile.meta.notes.length) ?? []),
  ]
  list.replaceChildren(
    ...(notes.length > 0 ? notes : ['nothing was estimated or dropped']).map((n) =>
      element('li', n),
    ),
    ...profile.meta.comments.map((c) => element('li', `comment: ${c}`)),
  )
}

// ---- start ---------------------------------------------------------------------------------
/**
 * Draws `data` into `into`, which holds the report's markup (`BODY`, fresh: listeners are bound
 * to its elements), and starts on the call graph. Mounting again (new markup) replaces the
 * profile; `startViz` gives Graphviz's worker on first use (the previous one is kept).
 */
export function mountReport(into: ParentNode, data: ReportData, start: () => Graphviz): void {
  setRoot(into)
  startViz = start
  source = data.profile
  first = summary = data.first
  state = data.settings
  loaded = graphProfile = sampleProfile = undefined
  delete document.body.dataset.loaded
  drawn.clear()
  Object.assign(table, { sort: 'self', filter: '' })
  // Without a first view made by the writer, the profile is needed at once.
  if (!first) load()
  header()
  metricControl()
  controls()
  topControls()
  panZoom()
  for (const v of views) $<HTMLElement>(`#tab-${v}`).addEventListener('click', () => show(v))
  show('graph')
}
