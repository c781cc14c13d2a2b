/**
 * Scores a feature file with a saved model: r̂ and ĉ of every arm, in the data's units. Features are read
 * columnar (only the model's feature columns and the id), predictions are made and written in batches.
 */
import { loadTable, DEFAULT_COLUMNS, type ColumnMapping } from '../data/table.js';
import { CsvWriter, csvCell, formatNumber } from '../data/csv-write.js';
import { ModelError } from '../errors.js';
import { loadTrained, predictOriginal, type TrainedModel } from '../nn/predictor.js';
import type { TextColumn } from '../data/text-column.js';

export interface ScoredRows {
  n: number;
  m: number;
  ids: TextColumn | null;
  rhat: Float32Array;
  chat: Float32Array;
}

/** Loads a model directory and the features of `input` in the columns the model was trained on. */
export async function scoreFile(modelDir: string, input: string, onProgress?: (rows: number, bytes: number, total: number) => void): Promise<ScoredRows> {
  const tm = await loadTrained(modelDir);
  try {
    const saved = (tm.columns ?? {}) as Partial<ColumnMapping>;
    const columns: ColumnMapping = { ...DEFAULT_COLUMNS, ...saved };
    const table = await loadTable(input, tm.model.arms, columns, { withId: true, featuresOnly: true, onProgress });
    if (table.d !== tm.model.spec.inputDim) {
      throw new ModelError(`the model expects ${tm.model.spec.inputDim} features but ${input} has ${table.d}`, { file: input });
    }
    return predictRows(tm, table.x, table.n, table.id ?? null);
  } finally {
    tm.model.dispose();
  }
}

function predictRows(tm: TrainedModel, x: Float32Array, n: number, ids: TextColumn | null): ScoredRows {
  const p = predictOriginal(tm, x, n);
  return { n, m: tm.model.arms, ids, rhat: p.r, chat: p.c };
}

/** Writes `id, rhat_0..rhat_{M-1}, chat_0..chat_{M-1}` (the format `allocate --scores` reads), atomically. */
export async function writeScores(path: string, s: ScoredRows): Promise<void> {
  const header = ['id', ...Array.from({ length: s.m }, (_, j) => `rhat_${j}`), ...Array.from({ length: s.m }, (_, j) => `chat_${j}`)];
  const w = await CsvWriter.open(path, header);
  try {
    const lines: string[] = [];
    for (let i = 0; i < s.n; i++) {
      const cells = [s.ids ? csvCell(s.ids.get(i)) : String(i)];
      for (let j = 0; j < s.m; j++) cells.push(formatNumber(s.rhat[i * s.m + j], true));
      for (let j = 0; j < s.m; j++) cells.push(formatNumber(s.chat[i * s.m + j], true));
      lines.push(cells.join(','));
      if (lines.length === 8192) {
        await w.raw(lines.join('\n') + '\n');
        lines.length = 0;
      }
    }
    if (lines.length > 0) await w.raw(lines.join('\n') + '\n');
    await w.close();
  } catch (e) {
    await w.abort();
    throw e;
  }
}
