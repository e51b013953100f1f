/**
 * The `-t html` page's script (bundled by build-page.mjs into one string the writer inlines):
 * reads the settings and the first view from `<script id="profconv-start">`, the profile (when
 * needed) from `<script id="profconv-data">`, and mounts the report on the page, with Graphviz in a worker made from a blob of the page's own text
 * (nothing is fetched).
 */
import Viz from '@aduh95/viz.js'
import { mountReport, type ReportData } from './app.js'
import type { ProfileData } from '../serialize.js'

/** Graphviz's worker script and its wasm (base64), from the page's first script. */
const { worker, wasm } = (window as unknown as { profconvViz: { worker: string; wasm: string } })
  .profconvViz

function graphviz(): Viz {
  const bytes = `Uint8Array.from(atob(${JSON.stringify(wasm)}),function(c){return c.charCodeAt(0)})`
  const source = `${worker}\n;vizSetup({wasmBinary:${bytes},locateFile:function(p){return p}});`
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))
  return new Viz({ worker: new Worker(url) })
}

const json = (id: string) => JSON.parse(document.getElementById(id)!.textContent!) as unknown
const start = json('profconv-start') as Omit<ReportData, 'profile'>
// The profile is parsed when a view first needs it, after the first view is drawn.
mountReport(document, { ...start, profile: () => json('profconv-data') as ProfileData }, graphviz)
