/**
 * Documentation generated from the config schema: the JSON Schema (for editors' YAML completion) and
 * the README's config reference table. A test fails when the committed copies drift from these.
 */
import { z } from 'zod';
import { ConfigSchema } from './schema.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** The JSON Schema of a config file (input side: defaults are optional). */
export function configJsonSchema(): object {
  return z.toJSONSchema(ConfigSchema, { io: 'input' });
}

function typeName(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeName).join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeName(s.items) : 'values'}`;
  return Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
}

function rows(s: JsonSchema, prefix: string, out: string[][]): void {
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const required = (s.required ?? []).includes(key) && prop.default === undefined;
    const nested = prop.properties ? prop : undefined;
    const objectItems = prop.type === 'array' && prop.items && (prop.items.anyOf ?? prop.items.oneOf);
    const type = nested ? 'mapping' : objectItems ? 'list of methods' : typeName(prop);
    out.push([`\`${path}\``, type, required ? 'yes' : '', (prop.description ?? '').replace(/\|/g, '\\|')]);
    if (nested) rows(nested, path, out);
  }
}

/** The README's config reference as markdown: top-level keys, then one table per method kind. */
export function configReference(): string {
  const schema = configJsonSchema() as JsonSchema;
  const head = '| key | type | required | description |\n|---|---|---|---|';
  const table = (r: string[][]): string => [head, ...r.map((c) => `| ${c.join(' | ')} |`)].join('\n');
  const top: string[][] = [];
  rows(schema, '', top);
  const methods = schema.properties?.methods?.items;
  const kinds = (methods?.anyOf ?? methods?.oneOf ?? []).map((m) => {
    const kind = String(m.properties?.kind?.const ?? '?');
    const r: string[][] = [];
    rows({ ...m, properties: Object.fromEntries(Object.entries(m.properties ?? {}).filter(([k]) => k !== 'kind')) }, '', r);
    return `#### \`kind: ${kind}\`\n\n${table(r)}`;
  });
  return `${table(top)}\n\n### Methods (\`methods[]\`)\n\n${kinds.join('\n\n')}\n`;
}
