/**
 * The one profile model every profconv reader produces and every writer consumes, with the
 * builders, derivations (samples → graph exact, graph → samples estimated), merge and input
 * helpers format packages share.
 *
 * @packageDocumentation
 * @module @profconv/model
 */
export { ProfconvError } from './error.js'
export type { Position } from './error.js'
export { nanosecondsPer, oneMetricNote, resolveMetric } from './metric.js'
export type { Metric } from './metric.js'
export { FrameTable } from './frame-table.js'
export type { Frame } from './frame-table.js'
export { StackTree } from './stack-tree.js'
export type { StackColumns } from './stack-tree.js'
export { SamplesBuilder, stacklessCost } from './samples.js'
export type { Label, Samples } from './samples.js'
export {
  GraphBuilder,
  addInto,
  columnGraph,
  edgeColumns,
  graphTotals,
  newEdgeColumns,
} from './graph.js'
export type { CallGraph, EdgeColumns, GraphEdge, GraphNode } from './graph.js'
export { newMeta } from './profile.js'
export type { Mapping, Profile, ProfileMeta } from './profile.js'
export { graphOf, samplesToGraph, walkTree } from './derive.js'
export { movedSamplesNote, sampleTimeline } from './timeline.js'
export type { SampleTimeline } from './timeline.js'
export { ESTIMATED_STACKS_NOTE, estimateSamples, withGraph, withSamples } from './estimate.js'
export type { Estimate, EstimateOptions } from './estimate.js'
export {
  PositionBuilder,
  addressHex,
  addressHi,
  addressLo,
  checkPositions,
  checkPositionColumns,
  joinAddress,
  remapPositions,
} from './positions.js'
export type { LineRows, PositionDetail, SiteRows } from './positions.js'
export { positionsOf, samplesToPositions, withPositions } from './position-derive.js'
export { dumpPositions } from './position-dump.js'
export { GRANULARITIES, unitView, withGranularity } from './granularity.js'
export type { Granularity, UnitView, Units } from './granularity.js'
export { graphComponents, graphCycles, stronglyConnected } from './scc.js'
export {
  CYCLE_POOLED_NOTE,
  CYCLE_TOTALS_NOTE,
  estimateCycleTotals,
  graphCycleEstimate,
} from './cycles.js'
export type { CycleEstimate, CycleGraph, EntryPath } from './cycles.js'
export { shareTotals } from './share.js'
export { ProfileMerger, mergeProfiles } from './merge.js'
export type { InputMaps, MergeOptions } from './merge.js'
export { MetaSums, SampleSums } from './merge-sums.js'
export {
  DEFAULT_MAX_INPUT,
  LineSplitter,
  decodeText,
  concatBytes,
  forEachInputChunk,
  forEachLine,
  readLines,
  readLinesStream,
  gzipStatedLength,
  isGzip,
  maybeGunzip,
  peek,
  textEncoding,
} from './input.js'
export { dumpGraph, dumpStacks, frameText } from './dump.js'
export { plainDecimal, writeDecimal } from './decimal.js'
export type { LineParser, LineReadOptions } from './input.js'
export type { FormatDescriptor, FormatOption, ReadOptions, WriteOptions } from './format.js'
export { ElementSplitter, readElements, readElementsStream } from './xml-elements.js'
export type { ElementParser } from './xml-elements.js'
export { JsonStream, parseJson, readJson, readJsonStream } from './json-stream.js'
export type { JsonKind, JsonParser, JsonPath, JsonTake, JsonVisitor } from './json-stream.js'
