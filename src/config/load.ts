/**
 * YAML → validated, defaulted Config. Errors name the file, line and column and the key path; unknown
 * keys get a "did you mean". `--set path=value` overrides are applied to the YAML document before
 * validation, so they are checked exactly like the file.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, parse as parseYaml, stringify, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, UsageError, didYouMean } from '../errors.js';
import { ConfigSchema, isBidfclMethod, type Config, type RawConfig } from './schema.js';

export interface LoadedConfig {
  config: Config;
  /** The config file as given. */
  file: string;
  /** The resolved config (defaults filled, paths absolute) as YAML, for the run directory. */
  yaml: string;
}

type Path = (string | number)[];

/** Loads and validates a config file, applying `key.path=value` overrides. */
export function loadConfig(file: string, sets: string[] = []): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError('cannot read config file (does it exist?)', { file });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = lines.linePos(err.pos[0]);
    throw new ConfigError(`invalid YAML: ${err.message.split('\n')[0]}`, { file, line: pos.line, column: pos.col });
  }
  for (const s of sets) applySet(doc, s);
  const raw: unknown = doc.toJS() ?? {};
  const parsed = ConfigSchema.safeParse(raw);
  const src: Source = { file, doc, lines, sets };
  if (!parsed.success) throw describeIssue(src, raw, parsed.error.issues[0]);
  const config = resolveConfig(file, parsed.data, (path, msg) => locate(src, path, msg));
  return { config, file, yaml: stringify(config) };
}

function applySet(doc: Document, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects path=value, got "${assignment}"`);
  const path: Path = assignment
    .slice(0, eq)
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  let value: unknown;
  try {
    value = parseYaml(assignment.slice(eq + 1));
  } catch {
    throw new UsageError(`--set ${assignment}: the value is not valid YAML`);
  }
  try {
    doc.setIn(path, doc.createNode(value));
  } catch (e) {
    throw new UsageError(`--set ${assignment}: ${(e as Error).message}`);
  }
}

/** The parsed config file and the --set assignments applied to it, for locating errors. */
interface Source {
  file: string;
  doc: Document;
  lines: LineCounter;
  sets: string[];
}

function locate({ file, doc, lines, sets }: Source, path: Path, message: string, keyOf?: string): ConfigError {
  const keyPath = [...path, ...(keyOf !== undefined ? [keyOf] : [])].join('.') || '(top level)';
  // A value that came from --set has no place in the file: name the assignment instead of a line.
  const fromSet = sets.find((a) => {
    const setPath = a.slice(0, a.indexOf('='));
    return keyPath === setPath || keyPath.startsWith(`${setPath}.`);
  });
  if (fromSet !== undefined) return new ConfigError(`${message} (from --set ${fromSet})`, { file, key: keyPath });
  let offset: number | undefined;
  const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (keyOf !== undefined && isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === keyOf);
    offset = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
  } else {
    offset = (parent as { range?: [number, number, number] } | null)?.range?.[0];
  }
  if (offset === undefined && path.length > 0) {
    // The key itself is absent (a required key): point at the enclosing mapping.
    const up = doc.getIn(path.slice(0, -1), true) as { range?: [number, number, number] } | null;
    offset = (path.length === 1 ? (doc.contents as { range?: [number, number, number] } | null) : up)?.range?.[0];
  }
  const pos = offset !== undefined ? lines.linePos(offset) : undefined;
  return new ConfigError(message, { file, line: pos?.line, column: pos?.col, key: keyPath });
}

/** Turns the first zod issue into a ConfigError with location, key path and a hint. */
function describeIssue(src: Source, raw: unknown, issue: z.core.$ZodIssue): ConfigError {
  const path = issue.path as Path;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = knownKeys(raw, path);
    return locate(src, path, `unknown key "${key}"${didYouMean(key, known)}${known.length ? `; allowed: ${known.join(', ')}` : ''}`, key);
  }
  if (issue.code === 'invalid_type' && valueAt(raw, path) === undefined) {
    return locate(src, path, `missing required key`);
  }
  return locate(src, path, issue.message);
}

function valueAt(raw: unknown, path: Path): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** The keys allowed at `path`, walking the schema alongside the data (to pick a method's variant). */
function knownKeys(raw: unknown, path: Path): string[] {
  let schema: unknown = ConfigSchema;
  for (let i = 0; i <= path.length; i++) {
    schema = unwrap(schema, valueAt(raw, path.slice(0, i)));
    if (i === path.length) break;
    const seg = path[i];
    const def = (schema as { def?: { type: string; element?: unknown; shape?: Record<string, unknown> } }).def;
    if (def?.type === 'array') schema = def.element;
    else if (def?.type === 'object') schema = def.shape?.[seg as string];
    else return [];
  }
  const shape = (schema as { def?: { shape?: Record<string, unknown> } } | undefined)?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: unknown, value: unknown): unknown {
  for (;;) {
    const def = (schema as { def?: { type: string; innerType?: unknown; in?: unknown; schema?: unknown; options?: unknown[]; discriminator?: string } } | undefined)?.def;
    if (!def) return schema;
    if (def.type === 'default' || def.type === 'optional' || def.type === 'nullable') schema = def.innerType;
    else if (def.type === 'pipe') schema = def.in;
    else if (def.type === 'union' && def.discriminator && value && typeof value === 'object') {
      const kind = (value as Record<string, unknown>)[def.discriminator];
      schema = def.options?.find((o) => {
        const lit = (o as { def: { shape: Record<string, { def: { values?: unknown[] } }> } }).def.shape[def.discriminator!];
        return lit?.def.values?.includes(kind);
      });
      if (!schema) return undefined;
    } else return schema;
  }
}

/** Fills method ids, checks cross-references and makes data paths absolute (relative to the config). */
function resolveConfig(file: string, config: RawConfig, fail: (path: Path, msg: string) => ConfigError): Config {
  const base = dirname(resolve(file));
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const data = {
    ...config.data,
    obs: config.data.obs === undefined ? undefined : abs(config.data.obs),
    rct_train: abs(config.data.rct_train),
    rct_val: abs(config.data.rct_val),
    rct_test: abs(config.data.rct_test),
  };
  const seen = new Map<string, number>();
  const methods = config.methods.map((m, i) => {
    const id = m.id ?? (m.kind === 'tsm-sl' ? `tsm-sl-${m.data.replace('+', '-')}` : m.kind);
    if (seen.has(id)) throw fail(['methods', i], `method id "${id}" is used twice (methods.${seen.get(id)} and methods.${i}); give one an "id"`);
    seen.set(id, i);
    return { ...m, id };
  });
  methods.forEach((m, i) => {
    if (m.kind === 'tsm-sl') return;
    if (m.warm_start !== undefined) {
      const j = seen.get(m.warm_start);
      if (j === undefined || j >= i || methods[j].kind !== 'tsm-sl') {
        throw fail(['methods', i, 'warm_start'], `warm_start "${m.warm_start}" must name a tsm-sl method listed before this one`);
      }
    }
  });
  methods.forEach((m, i) => {
    if (!isBidfclMethod(m) || m.teacher === undefined) return;
    const j = seen.get(m.teacher);
    const t = j === undefined ? undefined : methods[j];
    if (j === undefined || j >= i || t?.kind !== 'tsm-sl' || t.data !== 'rct') {
      throw fail(['methods', i, 'teacher'], `teacher "${m.teacher}" must name a tsm-sl method with data: rct listed before this one`);
    }
  });
  const needsObs = methods.some((m) => (m.kind === 'tsm-sl' && m.data !== 'rct') || isBidfclMethod(m));
  if (needsObs && data.obs === undefined) throw fail(['data'], 'a method trains on OBS data but data.obs is not set');
  const fr = config.budget.fraction;
  for (const f of fr === undefined ? [] : Array.isArray(fr) ? fr : [fr]) {
    if (f < 0 || f > 1) throw fail(['budget', 'fraction'], `budget fraction ${f} is outside [0, 1]`);
  }
  // Run directories go under the working directory, like any command's output.
  const output = resolve(config.output);
  return { ...config, data, methods, output };
}
