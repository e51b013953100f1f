import { ProfconvError } from './error.js'
import { FrameTable } from './frame-table.js'
import { GraphBuilder, addInto, type CallGraph } from './graph.js'
import type { Metric } from './metric.js'
import { newMeta, type Profile } from './profile.js'
import { SamplesBuilder } from './samples.js'
import { graphOf } from './derive.js'
import { mergeDetail, treeNodeMapper } from './position-merge.js'

/**
 * Merges profiles of the same program (several runs, threads or files) into one, summing as
 * Python's `pstats.Stats(a, b)` does. Metrics are matched by name; a metric one profile lacks
 * counts as 0 there. Samples are kept when every input has them, else graphs are merged.
 */
export function mergeProfiles(profiles: readonly Profile[]): Profile {
  if (profiles.length === 1) return profiles[0]
  if (profiles.length === 0) throw new ProfconvError('profile', 'nothing to merge')
  const metrics: Metric[] = []
  const metricMaps = profiles.map((p) =>
    p.metrics.map((metric) => {
      const at = metrics.findIndex((m) => m.name === metric.name)
      if (at < 0) return metrics.push({ ...metric }) - 1
      if (metrics[at].unit !== metric.unit) {
        throw new ProfconvError(
          'profile',
          `cannot merge metric '${metric.name}' in ${metrics[at].unit} with one in ${metric.unit}`,
        )
      }
      return at
    }),
  )
  const frames = new FrameTable()
  const frameMaps = profiles.map((p) => p.frames.frames.map((f) => frames.intern(f)))
  const first = profiles[0]
  const meta = {
    ...newMeta(first.meta.format),
    ...first.meta,
    comments: profiles.flatMap((p) => p.meta.comments),
    notes: profiles.flatMap((p) => p.meta.notes),
  }
  const merged: Profile = {
    metrics,
    defaultMetric: metricMaps[0][first.defaultMetric],
    frames,
    meta,
  }
  const spread = (values: ArrayLike<number>, map: number[]) => {
    const out = new Array<number>(metrics.length).fill(0)
    map.forEach((to, from) => (out[to] += values[from]))
    return out
  }

  if (profiles.every((p) => p.samples)) {
    const builder = new SamplesBuilder(metrics.length)
    profiles.forEach((p, k) => {
      const s = p.samples!
      const values = new Array<number>(p.metrics.length)
      const node = treeNodeMapper(s.tree, builder.tree, frameMaps[k]) // keeps lines, files, addresses
      for (let i = 0; i < s.stack.length; i++) {
        for (let m = 0; m < values.length; m++) values[m] = s.values[m][i]
        builder.add(node(s.stack[i]), spread(values, metricMaps[k]), s.labels?.[i], s.time?.[i])
      }
    })
    merged.samples = builder.finish()
    return merged
  }

  const builder = new GraphBuilder(metrics.length)
  let estimated = false
  profiles.forEach((p, k) => {
    const graph: CallGraph = graphOf(p)
    estimated ||= graph.edgeCostsEstimated === true
    for (const node of graph.nodes) {
      const into = builder.node(frameMaps[k][node.frame])
      addInto(into.self, spread(node.self, metricMaps[k]))
      addInto(into.total, spread(node.total, metricMaps[k]))
      into.calls = sumKnown(into.calls, node.calls)
      into.primitiveCalls = sumKnown(into.primitiveCalls, node.primitiveCalls)
    }
    for (const edge of graph.edges) {
      const into = builder.edge(frameMaps[k][edge.caller], frameMaps[k][edge.callee])
      addInto(into.total, spread(edge.total, metricMaps[k]))
      if (edge.self) {
        into.self ??= new Array<number>(metrics.length).fill(0)
        addInto(into.self, spread(edge.self, metricMaps[k]))
      }
      into.calls = sumKnown(into.calls, edge.calls)
      into.primitiveCalls = sumKnown(into.primitiveCalls, edge.primitiveCalls)
    }
  })
  merged.graph = builder.finish(estimated)
  mergeDetail(profiles, merged, frameMaps, metricMaps) // positions, stated totals
  return merged
}

function sumKnown(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : a + b
}
