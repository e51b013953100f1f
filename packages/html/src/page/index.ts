export { mountReport } from './app.js'
export type { Graphviz, Settings } from './app.js'
export { BODY, STYLE } from '../template.js'
