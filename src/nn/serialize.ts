/**
 * Saving and loading a trained network: a directory holding
 *   model.json   format tag and version, architecture spec (incl. arms), feature scaler, the column
 *                mapping (passed through opaquely), optional metadata, and a description of weights.bin
 *   weights.bin  all parameters as float32 little-endian, in the order of `Mlp.getWeights()`
 * Both files are written atomically (weights first, then model.json), and model.json records the byte
 * length and an FNV-1a checksum of weights.bin, so a stale or truncated pair is detected on load.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../data/atomic.js';
import { ModelError } from '../errors.js';
import { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS } from './activations.js';
import { Mlp, paramCount, paramShapes, validateSpec, type MlpSpec } from './mlp.js';
import { scalerFromJSON, scalerToJSON, type Scaler } from './scaler.js';

export const MODEL_FORMAT = 'bidfcl-model';
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Any JSON value (the column mapping and metadata are stored as given). */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface SavedModel {
  model: Mlp;
  scaler: Scaler | null;
  /** The column mapping the model was trained with, as given to saveModel. */
  columns: Json;
  /** Free-form metadata (method, seed, epoch, …), as given to saveModel. */
  meta: Json;
}

const specSchema = z.strictObject({
  inputDim: z.number().int().positive(),
  hidden: z.array(z.number().int().positive()),
  activation: z.enum(HIDDEN_ACTIVATIONS),
  output: z.enum(OUTPUT_ACTIVATIONS),
  arms: z.number().int().min(2),
});

const modelJsonSchema = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.number().int(),
  spec: specSchema,
  scaler: z.strictObject({ mean: z.array(z.number()), std: z.array(z.number()) }).nullable(),
  columns: z.unknown(),
  meta: z.unknown(),
  weights: z.strictObject({
    file: z.literal(WEIGHTS_FILE),
    dtype: z.literal('float32-le'),
    count: z.number().int().nonnegative(),
    shapes: z.array(z.array(z.number().int().positive())),
    fnv1a: z.string().regex(/^[0-9a-f]{8}$/),
  }),
});

/** FNV-1a 32-bit hash of a byte array, as 8 hex digits. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function encodeWeights(flat: Float32Array): Uint8Array {
  const bytes = new Uint8Array(flat.length * 4);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < flat.length; k++) view.setFloat32(4 * k, flat[k], true);
  return bytes;
}

function decodeWeights(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flat = new Float32Array(bytes.byteLength / 4);
  for (let k = 0; k < flat.length; k++) flat[k] = view.getFloat32(4 * k, true);
  return flat;
}

/**
 * Writes `dir/weights.bin` then `dir/model.json` (each atomically; the directory is created).
 * `columns` and `meta` must be JSON-serialisable; they come back unchanged from loadModel.
 */
export async function saveModel(
  dir: string,
  model: Mlp,
  opts: { scaler?: Scaler | null; columns?: Json; meta?: Json } = {},
): Promise<void> {
  const flat = model.getWeights();
  const bytes = encodeWeights(flat);
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    spec: model.spec,
    scaler: opts.scaler ? scalerToJSON(opts.scaler) : null,
    columns: opts.columns ?? null,
    meta: opts.meta ?? null,
    weights: { file: WEIGHTS_FILE, dtype: 'float32-le', count: flat.length, shapes: paramShapes(model.spec), fnv1a: fnv1a(bytes) },
  };
  await writeFileAtomic(join(dir, WEIGHTS_FILE), bytes);
  await writeFileAtomic(join(dir, MODEL_FILE), JSON.stringify(doc, null, 2) + '\n');
}

async function readOrThrow(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelError(code === 'ENOENT' ? 'file not found (is this a bidfcl model directory?)' : `cannot read: ${(e as Error).message}`, { file });
  }
}

/** Reads and validates a model directory; throws ModelError naming the file and the problem. */
export async function loadModel(dir: string): Promise<SavedModel> {
  const jsonFile = join(dir, MODEL_FILE);
  const binFile = join(dir, WEIGHTS_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse((await readOrThrow(jsonFile)).toString('utf8'));
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(`not valid JSON: ${(e as Error).message}`, { file: jsonFile });
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== MODEL_FORMAT_VERSION)
    throw new ModelError(`model format version ${version} is not supported (this bidfcl reads version ${MODEL_FORMAT_VERSION})`, { file: jsonFile });
  const parsed = modelJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError(`invalid model description: ${issue.message}`, { file: jsonFile, key: issue.path.join('.') || undefined });
  }
  const doc = parsed.data;
  const spec: MlpSpec = doc.spec;
  try {
    validateSpec(spec);
  } catch (e) {
    throw new ModelError((e as Error).message, { file: jsonFile, key: `spec.${(e as ModelError).where?.key ?? ''}` });
  }
  const expectedShapes = paramShapes(spec);
  if (JSON.stringify(expectedShapes) !== JSON.stringify(doc.weights.shapes) || doc.weights.count !== paramCount(spec))
    throw new ModelError('weights.shapes/count do not match the architecture in spec', { file: jsonFile, key: 'weights' });
  const scaler = doc.scaler ? scalerFromJSON(doc.scaler, spec.inputDim, { file: jsonFile, key: 'scaler' }) : null;

  const bytes = await readOrThrow(binFile);
  if (bytes.byteLength !== 4 * doc.weights.count)
    throw new ModelError(`holds ${bytes.byteLength} bytes but model.json expects ${4 * doc.weights.count} (${doc.weights.count} float32)`, { file: binFile });
  if (fnv1a(bytes) !== doc.weights.fnv1a)
    throw new ModelError('checksum does not match model.json (the two files come from different saves)', { file: binFile });
  const flat = decodeWeights(bytes);
  if (!flat.every(Number.isFinite)) throw new ModelError('contains non-finite weights', { file: binFile });
  return { model: Mlp.fromWeights(spec, flat), scaler, columns: (doc.columns ?? null) as Json, meta: (doc.meta ?? null) as Json };
}
