/** Small DOM helpers of the report page: names always go in as text, never as markup. */

let root: ParentNode

/** Where `$` looks: the node holding the report's markup (the document for `-t html`). */
export function setRoot(node: ParentNode): void {
  root = node
}

export const $ = <T extends Element>(selector: string) => root.querySelector(selector) as T

/** A new element with `text` as its text content and plain attributes. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  if (text !== undefined) el.textContent = text
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v)
  return el
}

/** A cost as the tables show it: integers as they are, others to 6 significant digits. */
export const formatValue = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(6))

/** `v` as a share of `total` (at most 100 %), '' when the total is 0. */
export const formatShare = (v: number, total: number) =>
  total > 0 ? `${((100 * Math.min(v, total)) / total).toFixed(2)}%` : ''
