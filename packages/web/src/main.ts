/**
 * The page: files dropped, opened or pasted go to the conversion worker (worker.ts), which
 * answers with `profconv info` of each, the report's data (shown with the `-t html` report's
 * own views, `@profconv/html/page`) and the outputs to download. Names are data: they reach
 * the page through `textContent` and attributes only.
 */
import Viz from '@aduh95/viz.js'
import { element, mountReport } from '@profconv/html/page'
import { GRANULARITIES, type FormatOption } from '@profconv/model'
import type { Reply, Request } from './worker.js'
import type { FormatInfo, Input } from './session.js'

const $ = <T extends Element>(selector: string) => document.querySelector(selector) as T

const worker = new Worker('convert-worker.js')
const ask = (request: Request) => worker.postMessage(request)

/** Graphviz (viz.js's worker and wasm, files of this site), for the graph view and SVG output. */
let viz: Viz | undefined
const graphviz = () => (viz ??= new Viz({ worker: new Worker('viz-worker.js') }))

// ---- files -----------------------------------------------------------------------------------
/** Per input opened, in order (the worker numbers them the same way): its row and info. */
const files: { row: HTMLElement; status: HTMLElement; info?: string }[] = []

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`
}

function open(inputs: Input[]): void {
  if (inputs.length === 0) return
  for (const input of inputs) {
    const status = element('span', 'waiting', { class: 'status' })
    const row = element('li')
    row.append(
      element('span', input.name, { class: 'name' }),
      element('span', size(input.blob.size), { class: 'size' }),
      status,
    )
    $('#files').append(row)
    files.push({ row, status })
  }
  ask({ type: 'add', inputs })
}

function clear(): void {
  ask({ type: 'clear' })
  for (const f of files) f.row.remove()
  files.length = 0
  document.body.dataset.read = '0'
  $<HTMLElement>('#panels').hidden = true
  $<HTMLElement>('#report').hidden = true
  $('#report').replaceChildren()
  $('#summary').textContent = ''
  $('#download-notes').replaceChildren()
  $('#download-status').textContent = ''
}

function showInfo(): void {
  $('#summary').textContent = files
    .map((f) => f.info)
    .filter((i) => i !== undefined)
    .join('\n\n')
}

// ---- the report's views ------------------------------------------------------------------------
function view(data: Extract<Reply, { type: 'view' }>['data']): void {
  const report = $<HTMLElement>('#report')
  // Fresh markup: the views bind their listeners to it.
  report.replaceChildren($<HTMLTemplateElement>('#report-body').content.cloneNode(true))
  report.hidden = false
  mountReport(report, data!, graphviz)
}

// ---- download --------------------------------------------------------------------------------
let formats: FormatInfo[] = []
const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

function formatChoices(): void {
  const select = $<HTMLSelectElement>('#to')
  select.replaceChildren(
    ...formats
      .filter((f) => f.write)
      .map((f) => element('option', f.name, { value: f.name, title: f.description })),
  )
  select.value = 'speedscope'
  $('#granularity').replaceChildren(...GRANULARITIES.map((g) => element('option', g, { value: g })))
  select.addEventListener('change', optionFields)
  optionFields()
}

/** The chosen format's own options, as the CLI's `--flag`s, starting at their defaults. */
function optionFields(): void {
  const format = formats.find((f) => f.name === $<HTMLSelectElement>('#to').value)
  const field = (o: FormatOption) => {
    const attributes = { 'data-key': camel(o.flag), 'data-type': o.type }
    let input: HTMLInputElement | HTMLSelectElement
    if (o.choices) {
      input = element('select', undefined, attributes)
      if (o.default === undefined) input.append(element('option', '(default)', { value: '' }))
      input.append(...o.choices.map((c) => element('option', c, { value: c })))
      input.value = o.default === undefined ? '' : String(o.default)
    } else if (o.type === 'boolean') {
      input = element('input', undefined, { ...attributes, type: 'checkbox' })
      input.checked = o.default === true
    } else {
      input = element('input', undefined, {
        ...attributes,
        type: o.type === 'number' ? 'number' : 'text',
        size: '8',
        step: 'any',
      })
      input.value = o.default === undefined ? '' : String(o.default)
    }
    const label = element('label', `--${o.flag} `, { title: o.description })
    label.append(input)
    return label
  }
  $('#to-options').replaceChildren(...(format?.options ?? []).map(field))
}

function chosenOptions(): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  const metric = $<HTMLInputElement>('#metric-option').value.trim()
  if (metric) options.metric = /^\d+$/.test(metric) ? Number(metric) : metric
  options.granularity = $<HTMLSelectElement>('#granularity').value
  for (const input of document.querySelectorAll<HTMLInputElement>('#to-options [data-key]')) {
    const key = input.dataset.key!
    if (input.type === 'checkbox') options[key] = input.checked
    else if (input.value === '') continue
    else options[key] = input.dataset.type === 'number' ? Number(input.value) : input.value
  }
  return options
}

let requests = 0
function download(): void {
  const status = $<HTMLElement>('#download-status')
  status.className = ''
  status.textContent = 'converting…'
  $('#download-notes').replaceChildren()
  ask({
    type: 'convert',
    id: ++requests,
    to: $<HTMLSelectElement>('#to').value,
    options: chosenOptions(),
  })
}

async function save(reply: Extract<Reply, { type: 'output' }>): Promise<void> {
  const status = $<HTMLElement>('#download-status')
  let output = reply.output
  if (reply.dot !== undefined) {
    status.textContent = 'drawing the SVG…'
    output = await graphviz().renderString(reply.dot)
  }
  const blob = new Blob([output as BlobPart], {
    type: typeof output === 'string' ? 'text/plain;charset=utf-8' : 'application/octet-stream',
  })
  const url = URL.createObjectURL(blob)
  const link = element('a', undefined, { href: url, download: reply.fileName })
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  status.textContent = `${reply.fileName} (${size(blob.size)})`
  $('#download-notes').replaceChildren(...reply.notes.map((n) => element('li', `note: ${n}`)))
}

// ---- the worker's answers ----------------------------------------------------------------------
worker.onmessage = (e: MessageEvent<Reply>) => {
  const reply = e.data
  switch (reply.type) {
    case 'formats':
      formats = reply.formats
      formatChoices()
      break
    case 'progress': {
      const percent = Math.floor((100 * reply.loaded) / Math.max(1, reply.size))
      if (reply.index < 0) $('#download-status').textContent = `converting… ${percent}% read`
      else files[reply.index].status.textContent = `reading… ${percent}%`
      break
    }
    case 'file': {
      const file = files[reply.index]
      if (reply.error !== undefined) {
        file.status.textContent = reply.source
          ? `not a profile (${reply.error}): kept as a source file for -t list`
          : `error: ${reply.error}`
        file.status.className = reply.source ? 'status' : 'status error'
      } else {
        file.status.textContent = reply.format!
        file.info = reply.info
        showInfo()
        $<HTMLElement>('#panels').hidden = false
      }
      document.body.dataset.read = String(reply.index + 1)
      break
    }
    case 'view': {
      const status = $<HTMLElement>('#web-status')
      status.textContent = reply.error === undefined ? '' : `error: ${reply.error}`
      status.className = reply.error === undefined ? '' : 'error'
      if (reply.data) view(reply.data)
      break
    }
    case 'output':
      void save(reply)
      break
    case 'failed':
      $('#download-status').textContent = `error: ${reply.error}`
      $('#download-status').className = 'error'
      break
  }
}

// ---- ways in: open, drop, paste ----------------------------------------------------------------
const asInputs = (list: FileList | null | undefined): Input[] =>
  Array.from(list ?? [], (f) => ({ name: f.name, blob: f }))

$<HTMLInputElement>('#open').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement
  open(asInputs(input.files))
  input.value = ''
})
document.addEventListener('dragover', (e) => {
  e.preventDefault()
  document.body.classList.add('dragging')
})
document.addEventListener('dragleave', () => document.body.classList.remove('dragging'))
document.addEventListener('drop', (e) => {
  e.preventDefault()
  document.body.classList.remove('dragging')
  open(asInputs(e.dataTransfer?.files))
})
let pasted = 0
const openText = (text: string) =>
  open([{ name: `pasted text ${++pasted}`, blob: new Blob([text]) }])
$('#paste-toggle').addEventListener('click', () => {
  const box = $<HTMLElement>('#paste')
  box.hidden = !box.hidden
  if (!box.hidden) $<HTMLElement>('#paste-text').focus()
})
$('#paste-read').addEventListener('click', () => {
  const area = $<HTMLTextAreaElement>('#paste-text')
  if (area.value) openText(area.value)
  area.value = ''
})
document.addEventListener('paste', (e) => {
  if ((e.target as Element)?.closest?.('textarea, input')) return
  const data = e.clipboardData
  if (data?.files.length) open(asInputs(data.files))
  else if (data?.getData('text')) openText(data.getData('text'))
})
$('#clear').addEventListener('click', clear)
$('#download').addEventListener('submit', (e) => {
  e.preventDefault()
  download()
})

// Offline once loaded: the service worker keeps every file of the site (not from file://).
if ('serviceWorker' in navigator && location.protocol !== 'file:')
  void navigator.serviceWorker.register('sw.js').catch(() => undefined)
