/**
 * The YAML of a tiny experiment over a generated 3-arm data set in `data/` next to the config: one hidden layer
 * of 8, batches of 256. Tests give the name, the methods block and whatever else they need on top.
 */
export interface TinyConfig {
  name: string;
  /** The `methods:` list, already indented as YAML list items. */
  methods: string;
  epochs: number;
  /** Further top-level YAML (seeds, backend, budget, evaluate, output ...). */
  extra?: string;
}

export function tinyConfigYaml(c: TinyConfig): string {
  return `name: ${c.name}
${c.extra ?? ''}
data:
  arms: 3
  obs: data/obs.csv
  rct_train: data/rct_train.csv
  rct_val: data/rct_val.csv
  rct_test: data/rct_test.csv
model:
  hidden: [8]
train:
  epochs: ${c.epochs}
  batch_size: 256
methods:
${c.methods}`;
}
