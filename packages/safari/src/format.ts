import type { FormatDescriptor } from '@profconv/model'
import { readSafari } from './read.js'
import { sniffSafari } from './sniff.js'

/** Safari / WebKit Web Inspector timeline recording (input only). */
export const safariFormat: FormatDescriptor = {
  name: 'safari',
  description: 'Safari / WebKit Web Inspector timeline recording JSON (read only)',
  extensions: ['-recording.json'],
  sniff: sniffSafari,
  read: (bytes, options) => readSafari(bytes, options),
}
