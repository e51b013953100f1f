export { mountReport } from './app.js'
export { element } from './dom.js'
export type { FirstView, Graphviz, ReportData, Settings } from './app.js'
export { BODY, STYLE } from '../template.js'
