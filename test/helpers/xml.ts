/**
 * A strict well-formedness check for the SVG and HTML bidfcl writes (no XML parser ships with Node):
 * balanced and properly nested tags, quoted attributes without duplicates, valid entities, one root
 * element, nothing but whitespace outside it. A leading XML declaration or DOCTYPE is allowed.
 */
const NAME = /^[A-Za-z_:][\w:.-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

export interface XmlElement {
  name: string;
  attrs: Map<string, string>;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Attribute text with its entities replaced (after checkText accepted them). */
function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_m, e: string) =>
    e[0] !== '#' ? NAMED[e] : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );
}

function checkText(text: string, at: number): void {
  for (let k = text.indexOf('&'); k >= 0; k = text.indexOf('&', k + 1)) {
    if (!ENTITY.test(text.slice(k))) throw new Error(`bad entity at ${at + k}: ${text.slice(k, k + 12)}`);
  }
}

/** Returns every element (attributes decoded) in document order; throws an Error naming the offset of the first problem. */
export function parseXml(text: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: string[] = [];
  let roots = 0;
  let pos = 0;
  const prolog = /^\s*(<\?xml[^>]*\?>)?\s*(<!DOCTYPE[^>]*>)?/i.exec(text);
  pos = prolog ? prolog[0].length : 0;
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const chunk = lt < 0 ? text.slice(pos) : text.slice(pos, lt);
    if (stack.length === 0 && chunk.trim() !== '') throw new Error(`text outside the root element at ${pos}`);
    checkText(chunk, pos);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt);
      if (end < 0) throw new Error(`unterminated comment at ${lt}`);
      pos = end + 3;
      continue;
    }
    const closing = text[lt + 1] === '/';
    let k = lt + (closing ? 2 : 1);
    const name = NAME.exec(text.slice(k))?.[0];
    if (!name) throw new Error(`bad tag name at ${lt}`);
    k += name.length;
    if (closing) {
      const m = /^\s*>/.exec(text.slice(k));
      if (!m) throw new Error(`bad closing tag at ${lt}`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> at ${lt} closes <${open ?? 'nothing'}>`);
      pos = k + m[0].length;
      continue;
    }
    const attrs = new Map<string, string>();
    for (;;) {
      const ws = /^\s*/.exec(text.slice(k))![0].length;
      k += ws;
      if (text.startsWith('/>', k) || text[k] === '>') break;
      if (ws === 0) throw new Error(`expected whitespace before an attribute at ${k}`);
      const attr = NAME.exec(text.slice(k))?.[0];
      if (!attr) throw new Error(`bad attribute at ${k}`);
      k += attr.length;
      const m = /^\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(text.slice(k));
      if (!m) throw new Error(`attribute ${attr} at ${k} is not quoted`);
      if (attrs.has(attr)) throw new Error(`duplicate attribute ${attr} at ${k}`);
      const value = m[2] ?? m[3];
      checkText(value, k);
      attrs.set(attr, decode(value));
      k += m[0].length;
    }
    if (stack.length === 0 && ++roots > 1) throw new Error(`second root element <${name}> at ${lt}`);
    elements.push({ name, attrs });
    if (text[k] === '>') stack.push(name);
    pos = k + (text[k] === '>' ? 1 : 2);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]}>`);
  if (roots !== 1) throw new Error('no root element');
  return elements;
}

/** Anything a browser would fetch or run: URLs, src/href attributes, scripts, stylesheets, CSS url()/@import. */
export function externalReferences(html: string): string[] {
  const patterns = [/https?:/gi, /\/\/[a-z0-9]/gi, /\bsrc\s*=/gi, /\bhref\s*=/gi, /<script/gi, /<link/gi, /<iframe/gi, /<img/gi, /url\(/gi, /@import/gi];
  return patterns.flatMap((p) => html.match(p) ?? []);
}
