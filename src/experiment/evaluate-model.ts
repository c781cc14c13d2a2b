/** `evaluate --model DIR --data FILE`: one saved model on one RCT file. */
import { DEFAULT_COLUMNS, loadTable, requireAllArms, type ColumnMapping } from '../data/table.js';
import { ModelError } from '../errors.js';
import { loadTrained } from '../nn/predictor.js';
import { Evaluator, type ModelEvaluation } from './evaluate.js';

export async function evaluateModelOnFile(modelDir: string, data: string, fraction: number, sweep: number[]): Promise<ModelEvaluation> {
  const tm = await loadTrained(modelDir);
  try {
    const columns: ColumnMapping = { ...DEFAULT_COLUMNS, ...((tm.columns ?? {}) as Partial<ColumnMapping>) };
    const table = await loadTable(data, tm.model.arms, columns);
    requireAllArms(table);
    if (table.d !== tm.model.spec.inputDim) {
      throw new ModelError(`the model expects ${tm.model.spec.inputDim} features but the file has ${table.d}`, { file: data });
    }
    return new Evaluator(table, { fraction }, sweep).evaluate(tm);
  } finally {
    tm.model.dispose();
  }
}
