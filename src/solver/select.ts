/**
 * Weighted selection: where a running total, taken in decreasing key order, first exceeds a target.
 * Used to find the price at which the Lagrangian spend crosses a budget without sorting the
 * breakpoints: keys are segment slopes, weights their costs Δc.
 *
 * Quickselect with a three-way partition (equal keys are one group, so ties and all-equal inputs cost
 * one pass) and a deterministic pivot sequence. Complexity O(K) expected, O(K²) worst case; in place.
 */

/**
 * Returns the key v with Σ_{key > v} w ≤ target < Σ_{key ≥ v} w, and `above` = Σ_{key > v} w;
 * v = −1 when the whole weight fits (Σ w ≤ target). Reorders the first `count` entries of both arrays.
 */
export function weightedSelect(
  keys: Float64Array,
  weights: Float64Array,
  count: number,
  target: number,
): { key: number; above: number } {
  let lo = 0;
  let hi = count; // the unresolved range [lo, hi); everything before lo has a larger key
  let above = 0;
  let seed = 0x9e3779b9;
  while (hi > lo) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const pivot = keys[lo + (seed % (hi - lo))];
    // Dutch-flag partition: [lo, gt) key > pivot, [gt, eq) key = pivot, [lt, hi) key < pivot.
    let gt = lo;
    let eq = lo;
    let lt = hi;
    while (eq < lt) {
      const k = keys[eq];
      if (k > pivot) swap(keys, weights, gt++, eq++);
      else if (k < pivot) swap(keys, weights, eq, --lt);
      else eq++;
    }
    let greater = 0;
    for (let k = lo; k < gt; k++) greater += weights[k];
    if (above + greater > target) {
      hi = gt;
      continue;
    }
    let equal = 0;
    for (let k = gt; k < lt; k++) equal += weights[k];
    if (above + greater + equal > target) return { key: pivot, above: above + greater };
    above += greater + equal;
    lo = lt;
  }
  return { key: -1, above };
}

function swap(keys: Float64Array, weights: Float64Array, a: number, b: number): void {
  const k = keys[a];
  keys[a] = keys[b];
  keys[b] = k;
  const w = weights[a];
  weights[a] = weights[b];
  weights[b] = w;
}
