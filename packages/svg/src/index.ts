export { renderSvg } from './render.js'
export { SVG_MAX_NODES, writeSvg } from './write.js'
export { svgFormat } from './format.js'
