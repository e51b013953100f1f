/**
 * The report's per-line view: for one function, its self and inclusive cost at each source line
 * and the calls made there (the page has no source text: it shows file:line and costs).
 */
import { frameText, type Profile } from '@profconv/model'
import { functionLines } from '../lines.js'
import { $, element, formatShare, formatValue } from './dom.js'

const baseName = (file: string) => file.replace(/^.*[/\\]/, '') || file

/** Fills `#view-lines` with the lines of function `frame` (metric `m`, shares of `total`). */
export function drawLines(profile: Profile, frame: number, m: number, total: number): void {
  const title = $<HTMLElement>('#lines-title')
  const body = $<HTMLTableSectionElement>('#lines tbody')
  const d = profile.positions
  if (!d || frame < 0) {
    title.textContent = 'Pick a function in the Top table or the call graph.'
    body.replaceChildren()
    return
  }
  const rows = functionLines(d, frame, m)
  title.textContent = frameText(profile.frames.get(frame))
  const files = [...new Set(rows.map((r) => r.file))]
  const out: HTMLTableRowElement[] = []
  for (const r of rows) {
    const where = `${r.file ? baseName(r.file) : '?'}:${r.line || '?'}`
    const tr = element('tr', undefined, { class: 'line', 'data-line': String(r.line) })
    tr.append(
      element('td', where, { title: r.file || 'unknown file' }),
      element('td', formatValue(r.self)),
      element('td', formatShare(r.self, total)),
      element('td', formatValue(r.inclusive)),
      element('td', formatShare(r.inclusive, total)),
      element('td', ''),
    )
    out.push(tr)
    for (const c of r.calls) {
      const call = element('tr', undefined, { class: 'call' })
      const count = c.calls === undefined ? '' : ` (${c.calls}×)`
      call.append(
        element('td', ''),
        element('td', ''),
        element('td', ''),
        element('td', formatValue(c.total)),
        element('td', formatShare(c.total, total)),
        element('td', `→ ${frameText(profile.frames.get(c.callee))}${count}`),
      )
      out.push(call)
    }
  }
  body.replaceChildren(...out)
  $<HTMLElement>('#lines-files').textContent =
    files.length === 0 ? '' : `in ${files.map((f) => f || 'an unknown file').join(', ')}`
}
