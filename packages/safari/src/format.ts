import type { FormatDescriptor } from '@profconv/model'
import { readSafari, readSafariStream } from './read.js'
import { sniffSafari } from './sniff.js'

/** Safari / WebKit Web Inspector timeline recording (input only). */
export const safariFormat: FormatDescriptor = {
  name: 'safari',
  description: 'Safari / WebKit Web Inspector timeline recording JSON (read only)',
  extensions: ['-recording.json'],
  sniff: sniffSafari,
  read: (bytes, options) => readSafari(bytes, options),
  readStream: (chunks, options) => readSafariStream(chunks, options),
}
