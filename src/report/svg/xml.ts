/** String building for SVG/HTML markup: escaping, elements, compact coordinates. */

/** Escapes text and attribute values (& < > " '), so any method name or path is safe in markup. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

export type Attrs = Record<string, string | number | undefined>;

/** `<name a="v" …>children</name>`, or self-closing without children; undefined attributes are left out. */
export function tag(name: string, attrs: Attrs, children?: string | readonly string[]): string {
  let open = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) open += ` ${k}="${esc(String(v))}"`;
  if (children === undefined) return `${open}/>`;
  return `${open}>${typeof children === 'string' ? children : children.join('')}</${name}>`;
}

/** A coordinate with at most two decimals (sub-pixel precision is invisible and bloats the file). */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}
