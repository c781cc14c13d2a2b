import { Rng } from '../../util/rng.js';

/**
 * Independent random streams for each part of the generator, derived from one seed and a label
 * ("world", "obs/population", ...). Separate streams keep parts from shifting each other: a different
 * --bias or --obs leaves the world and the RCT rows unchanged, so experiments can vary one knob at a time.
 */
export function stream(seed: number, label: string): Rng {
  // FNV-1a over the label, then folded into the seed with a multiply so nearby seeds spread out.
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return new Rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ h) >>> 0);
}
