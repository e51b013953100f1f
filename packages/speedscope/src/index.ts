export { speedscopeFormat } from './format.js'
export { readSpeedscope } from './read.js'
export { writeSpeedscope } from './write.js'
export type { SpeedscopeWriteOptions } from './write.js'
export { sniffSpeedscope } from './sniff.js'
export { SPEEDSCOPE_SCHEMA } from './file-format.js'
export type {
  EventedProfile,
  FrameEvent,
  SampledProfile,
  SpeedscopeFile,
  SpeedscopeFrame,
  SpeedscopeUnit,
} from './file-format.js'
