/**
 * `text` as XML character data or attribute value: `& < > " '` as entities, characters XML 1.0
 * cannot hold (C0 controls but tab, line feed and carriage return; lone surrogates; U+FFFE/F)
 * as visible stand-ins (`\u2400`-block control pictures, U+FFFD), so a name is always text.
 */
export function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[&<>"'\u0000-\u001f\u007f\ud800-\udfff\ufffe\uffff]/.test(text)) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x26) out += '&amp;'
    else if (c === 0x3c) out += '&lt;'
    else if (c === 0x3e) out += '&gt;'
    else if (c === 0x22) out += '&quot;'
    else if (c === 0x27) out += '&#39;'
    else if (c === 0x09 || c === 0x0a || c === 0x0d) out += ' '
    else if (c < 0x20) out += String.fromCharCode(0x2400 + c)
    else if (c === 0x7f) out += '\u2421'
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += text[i] + text[i + 1]
        i++
      } else out += '\ufffd'
    } else if ((c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) out += '\ufffd'
    else out += text[i]
  }
  return out
}
