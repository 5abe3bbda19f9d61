/**
 * The rows a learned module has buffered for its next update, as plain
 * numbers for its checkpoint (Float32 values survive JSON exactly).
 */
import type { Rows } from "./rows.js";

export function rowsState(rows: Rows): number[] {
  const out = new Array<number>(rows.count * rows.width);
  for (let i = 0; i < rows.count; i++) {
    const row = rows.row(i);
    for (let j = 0; j < rows.width; j++) out[i * rows.width + j] = row[j];
  }
  return out;
}

/** Replaces the buffered rows by `values` (from `rowsState`). */
export function loadRows(rows: Rows, values: readonly number[]): void {
  rows.clear();
  rows.push(Float32Array.from(values), values.length / rows.width);
}
