import type { FormatDescriptor } from '@profconv/model'
import { axeFormat } from '@profconv/axe'
import { callgrindFormat } from '@profconv/callgrind'
import { chromeTraceFormat } from '@profconv/chrome-trace'
import { cpuprofileFormat } from '@profconv/cpuprofile'
import { dotFormat } from '@profconv/dot'
import { dtraceFormat } from '@profconv/dtrace'
import { firefoxFormat } from '@profconv/firefox'
import { flamegraphFormat } from '@profconv/flamegraph'
import { htmlFormat } from '@profconv/html'
import {
  austinFormat,
  collapsedFormat,
  foldedFormat,
  tachyonCollapsedFormat,
} from '@profconv/folded'
import { ghcProfJsonFormat } from '@profconv/ghc'
import { gprofFormat } from '@profconv/gprof'
import { gprof2dotJsonFormat } from '@profconv/gprof2dot-json'
import { heapprofileFormat } from '@profconv/heapprofile'
import { hprofFormat } from '@profconv/hprof'
import { instrumentsFormat, xctraceFormat } from '@profconv/instruments'
import { lineProfilerFormat } from '@profconv/line-profiler'
import { listFormat } from '@profconv/list'
import { perfScriptFormat } from '@profconv/perf'
import { papyrusFormat } from '@profconv/papyrus'
import { pmcstatFormat } from '@profconv/pmcstat'
import { pprofFormat } from '@profconv/pprof'
import { pstatsFormat, pstatsJsonFormat } from '@profconv/pstats'
import { pyinstrumentFormat } from '@profconv/pyinstrument'
import { safariFormat } from '@profconv/safari'
import { scaleneFormat } from '@profconv/scalene'
import { sleepyFormat } from '@profconv/sleepy'
import { speedscopeFormat } from '@profconv/speedscope'
import { stackprofFormat } from '@profconv/stackprof'
import { svgFormat } from '@profconv/svg'
import { sysprofFormat } from '@profconv/sysprof'
import { topFormat } from '@profconv/top'
import { v8ProfFormat } from '@profconv/v8-prof'
import { xperfFormat } from '@profconv/xperf'

/**
 * Every format profconv knows, in sniffing order (most specific first). Adding a format is one
 * package that exports a `FormatDescriptor` and one line here.
 */
export const FORMATS: readonly FormatDescriptor[] = [
  pstatsFormat,
  pstatsJsonFormat,
  lineProfilerFormat,
  pprofFormat,
  sleepyFormat,
  speedscopeFormat,
  // JSON of Python profilers: after speedscope (each sniffs its own keys).
  scaleneFormat,
  pyinstrumentFormat,
  // Before cpuprofile: a trace's ProfileChunks hold 'nodes' and 'callFrame' too.
  chromeTraceFormat,
  // Before cpuprofile: a function named "nodes" would satisfy its sniffer.
  heapprofileFormat,
  cpuprofileFormat,
  firefoxFormat,
  // JSON of other profilers (each sniffs its own keys).
  gprof2dotJsonFormat,
  stackprofFormat,
  ghcProfJsonFormat,
  v8ProfFormat,
  safariFormat,
  // XML exports (each sniffs its root element and schema).
  xctraceFormat,
  sysprofFormat,
  callgrindFormat,
  dotFormat,
  svgFormat,
  topFormat,
  listFormat,
  flamegraphFormat,
  htmlFormat,
  // Python samplers' folded dialects: before perf script and plain folded stacks.
  tachyonCollapsedFormat,
  austinFormat,
  perfScriptFormat,
  gprofFormat,
  axeFormat,
  dtraceFormat,
  hprofFormat,
  instrumentsFormat,
  pmcstatFormat,
  xperfFormat,
  papyrusFormat,
  // Folded stacks are plain text lines: sniffed last.
  foldedFormat,
  collapsedFormat,
]
