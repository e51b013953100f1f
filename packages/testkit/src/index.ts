export { fixture, fixturePath, testDataDir } from './fixtures.js'
export { describeWithTool, goPprofTop, hasTool, run } from './tools.js'
export { CHROMIUM, launchChromium, watchPage } from './chromium.js'
export type { ChromiumSession } from './chromium.js'
export { HOSTILE_NAMES, hostilePstatsJson } from './hostile.js'
export {
  ProfilerCliSession,
  describeWithProfilerCli,
  hasProfilerCli,
  oraclesDir,
} from './profiler-cli.js'
export type { ProfilerCliFunction } from './profiler-cli.js'
