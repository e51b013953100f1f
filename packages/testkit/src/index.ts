export { fixture, fixturePath, testDataDir } from './fixtures.js'
export { describeWithTool, hasTool, run } from './tools.js'
