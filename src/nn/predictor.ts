/**
 * A trained model as deployed: the network, the feature scaler and the output scales. Networks are
 * trained on revenue and cost divided by a per-outcome scale (so τ and h_min have the same meaning on
 * every data set); predictions are multiplied back into the data's units here, the one place that does it.
 */
import { ModelError } from '../errors.js';
import { Mlp, type Predictions } from './mlp.js';
import { type Scaler } from './scaler.js';
import { loadModel, saveModel, type Json } from './serialize.js';

export interface OutputScale {
  revenue: number;
  cost: number;
}

export interface TrainedModel {
  model: Mlp;
  scaler: Scaler;
  scale: OutputScale;
}

/** Predictions in the data's units for n rows of raw features (row-major n×D). */
export function predictOriginal(tm: TrainedModel, x: Float32Array, n: number, batchSize = 65536): Predictions {
  const p = tm.model.predict(x, n, { scaler: tm.scaler, batchSize });
  const { revenue, cost } = tm.scale;
  for (let k = 0; k < p.r.length; k++) {
    p.r[k] *= revenue;
    p.c[k] *= cost;
  }
  return p;
}

/** Saves the network with its scaler, output scales, column mapping and metadata. */
export async function saveTrained(dir: string, tm: TrainedModel, columns: Json, meta: { [k: string]: Json }): Promise<void> {
  await saveModel(dir, tm.model, { scaler: tm.scaler, columns, meta: { ...meta, output_scale: { ...tm.scale } } });
}

/** Loads a model directory written by saveTrained; throws ModelError when a part is missing. */
export async function loadTrained(dir: string): Promise<TrainedModel & { columns: Json; meta: Json }> {
  const saved = await loadModel(dir);
  const scale = (saved.meta as { output_scale?: OutputScale } | null)?.output_scale;
  if (!saved.scaler || !scale || !(scale.revenue > 0) || !(scale.cost > 0)) {
    saved.model.dispose();
    throw new ModelError('model.json lacks the feature scaler or meta.output_scale (not written by bidfcl train?)', { file: `${dir}/model.json` });
  }
  return { model: saved.model, scaler: saved.scaler, scale, columns: saved.columns, meta: saved.meta };
}
