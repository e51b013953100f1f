/**
 * Function names that become markup, script or a link wherever a writer or a page puts a name
 * anywhere but in text: a closing script tag, an element with an event handler, the end of a
 * CDATA section, a `javascript:` URL, quotes that close an attribute, control characters.
 */
export const HOSTILE_NAMES: readonly string[] = [
  '</script><script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  ']]><script>alert(3)</script>',
  'javascript:alert(4)',
  `"'><svg onload=alert(5)>`,
  'ctl\u0001\u001b end',
]

/**
 * A Python profile in pstats JSON (`@profconv/pstats`' documented form) where `main`, in the file
 * `javascript:alert(7)`, calls each of {@link HOSTILE_NAMES} once; the i-th name lives in the
 * file `<b>i</b>.py` and takes i + 1 seconds (21 in all).
 */
export function hostilePstatsJson(): Uint8Array {
  const main = { file: 'javascript:alert(7)', line: 0, name: 'main' }
  const functions = [
    { ...main, cc: 1, nc: 1, tt: 0, ct: 21, callers: [] as object[] },
    ...HOSTILE_NAMES.map((name, i) => ({
      file: `<b>${i}</b>.py`,
      line: 0,
      name,
      cc: 1,
      nc: 1,
      tt: i + 1,
      ct: i + 1,
      callers: [{ ...main, nc: 1, cc: 1, tt: i + 1, ct: i + 1 }],
    })),
  ]
  const doc = { format: 'pstats-json', version: 1, unit: 'seconds', functions }
  return new TextEncoder().encode(JSON.stringify(doc))
}
