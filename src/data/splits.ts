/** Loads every split an experiment config names and checks them against each other. */
import { basename } from 'node:path';
import { DataError } from '../errors.js';
import { progressBar } from '../util/progress.js';
import type { Config } from '../config/schema.js';
import { loadTable, requireAllArms, type DataTable } from './table.js';

export interface Splits {
  obs?: DataTable;
  rctTrain: DataTable;
  rctVal: DataTable;
  rctTest: DataTable;
}

/** Reads OBS (when configured) and the three RCT splits; throws DataError on any inconsistency. */
export async function loadSplits(data: Config['data'], opts: { withObs?: boolean } = {}): Promise<Splits> {
  const load = async (file: string): Promise<DataTable> => {
    const bar = progressBar(`reading ${basename(file)}`);
    try {
      return await loadTable(file, data.arms, data.columns, { onProgress: (_rows, bytes, total) => bar.update(bytes, total) });
    } finally {
      bar.end();
    }
  };
  const rctTrain = await load(data.rct_train);
  const rctVal = await load(data.rct_val);
  const rctTest = await load(data.rct_test);
  const obs = data.obs !== undefined && opts.withObs !== false ? await load(data.obs) : undefined;
  for (const t of [rctTrain, rctVal, rctTest]) requireAllArms(t);
  const all = [rctTrain, rctVal, rctTest, ...(obs ? [obs] : [])];
  for (const t of all.slice(1)) {
    if (t.d !== rctTrain.d || t.featureNames.some((f, k) => f !== rctTrain.featureNames[k])) {
      throw new DataError(
        `has ${t.d} feature columns (${preview(t.featureNames)}) but ${rctTrain.file} has ${rctTrain.d} (${preview(rctTrain.featureNames)}); every split needs the same features`,
        { file: t.file, line: 1 },
      );
    }
  }
  return { obs, rctTrain, rctVal, rctTest };
}

function preview(names: string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, …, ${names[names.length - 1]}`;
}
