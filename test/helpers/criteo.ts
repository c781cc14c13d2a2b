/**
 * Writes a file in the Criteo Uplift v2.1 format (f0..f11, treatment, conversion, visit, exposure) from a
 * seeded toy world: ~85% treated at random, and a treatment effect on conversion that grows with f0
 * while the effect on visits is flat, so the true ROI ranking is (mostly) the ranking by f0.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Rng } from '../../src/util/rng.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function writeCriteoFile(path: string, rows: number, seed = 1): void {
  const rng = new Rng(seed);
  const lines = ['f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,treatment,conversion,visit,exposure'];
  const f = new Array<number>(12);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < 12; k++) f[k] = Math.round((k === 11 ? 3 : 0) * 1e4 + rng.normal() * 1e4) / 1e4;
    const treated = rng.uniform() < 0.85 ? 1 : 0;
    const visit = rng.uniform() < sigmoid(-2 + 0.5 * f[1] + 0.6 * treated) ? 1 : 0;
    const conversion = rng.uniform() < sigmoid(-3.5 + 0.4 * f[2] + treated * (0.3 + 1.5 * f[0])) ? 1 : 0;
    const exposure = treated && rng.uniform() < 0.05 ? 1 : 0;
    lines.push(`${f.join(',')},${treated},${conversion},${visit},${exposure}`);
  }
  const text = lines.join('\n') + '\n';
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text) : text);
}
