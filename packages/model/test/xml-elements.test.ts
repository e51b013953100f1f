import { ProfconvError, readElements, type ElementParser, type Profile } from '../src/index.js'

/** Records the text and offset of each `<row>`; no profiles. */
function rows(): ElementParser & { seen: string[] } {
  const seen: string[] = []
  return {
    names: ['row'],
    seen,
    element: (text, _name, at) => seen.push(`${at}:${text}`),
    finish: () => [] as Profile[],
  }
}

const utf8 = (text: string) => new TextEncoder().encode(text)
const DOC = '<?xml version="1.0"?>\n<!-- export -->\n<result><row a="1"/><row>x</row></result>\n'

describe('readElements', () => {
  test.each([undefined, 1, 7])('every record of a whole document, chunks of %p', (chunkSize) => {
    const parser = rows()
    readElements(utf8(DOC), 'xmlfmt', parser, { chunkSize })
    expect(parser.seen).toEqual(['46:<row a="1"/>', '58:<row>x</row>'])
  })

  test.each([undefined, 1, 7])(
    'a document cut inside a record is an error (chunks of %p)',
    (chunkSize) => {
      const cut = DOC.slice(0, DOC.indexOf('x</row>'))
      expect(() => readElements(utf8(cut), 'xmlfmt', rows(), { chunkSize })).toThrow(
        new ProfconvError(
          'xmlfmt',
          'the document ends inside the <row> at character 58: cut short?',
        ),
      )
    },
  )

  test.each([undefined, 1, 7])(
    'a document cut between records is an error (chunks of %p)',
    (chunkSize) => {
      const cut = DOC.slice(0, DOC.indexOf('</result>'))
      expect(() => readElements(utf8(cut), 'xmlfmt', rows(), { chunkSize })).toThrow(
        new ProfconvError(
          'xmlfmt',
          'the document ends before the end tag of its root element </result>: cut short?',
        ),
      )
    },
  )
})
