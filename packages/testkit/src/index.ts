export { fixture, fixturePath, testDataDir } from './fixtures.js'
export { describeWithTool, hasTool, run } from './tools.js'
export {
  ProfilerCliSession,
  describeWithProfilerCli,
  hasProfilerCli,
  oraclesDir,
} from './profiler-cli.js'
export type { ProfilerCliFunction } from './profiler-cli.js'
