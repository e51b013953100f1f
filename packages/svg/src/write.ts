import type { Profile } from '@profconv/model'
import { writeDot, type DotOptions } from '@profconv/dot'
import { renderSvg } from './render.js'

/**
 * Functions drawn at most unless `nodeCount` says otherwise: Graphviz lays out a 1000-node call
 * graph in seconds but a dense one for many minutes.
 */
export const SVG_MAX_NODES = 200

/**
 * The gprof2dot-style call graph of `writeDot` (same options) rendered to SVG. Each box's
 * tooltip holds the function's whole name and file. Graphs with more than `SVG_MAX_NODES` shown
 * functions keep the heaviest (`--node-count` semantics) and say so in a note.
 */
export function writeSvg(profile: Profile, options: DotOptions = {}): string {
  const nodeCount = options.nodeCount ?? SVG_MAX_NODES
  const notes = profile.meta.notes.length
  const dot = writeDot(profile, { ...options, nodeCount })
  const capped = profile.meta.notes.slice(notes).some((n) => n.includes('(--node-count)'))
  if (options.nodeCount === undefined && capped)
    profile.meta.notes.push(
      `SVG output draws at most ${SVG_MAX_NODES} functions by default (Graphviz takes minutes on large dense graphs); pass --node-count to change it or -t dot for the whole graph`,
    )
  if (options.listFunctions !== undefined) return dot
  return renderSvg(dot)
}
