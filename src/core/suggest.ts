/**
 * Edit distance with transpositions (optimal string alignment),
 * case-insensitive: what "did you mean" ranks by. `kye` is one edit from `key`.
 */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known names closest to `name`: those within a third of the name's
 * length in edits (or that contain it), keeping only the best-scoring ones;
 * at most `max`.
 */
export function closest(name: string, known: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const scored: [string, number][] = [];
  for (const k of known) {
    const d = editDistance(name, k);
    const contains = k.toLowerCase().includes(lower) && lower.length >= 3;
    if (d <= Math.max(2, Math.ceil(name.length / 3)) || contains) scored.push([k, contains ? Math.min(d, 1) : d]);
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
  const best = scored.length ? scored[0][1] : 0;
  return scored.filter(([, d]) => d === best).slice(0, max).map(([k]) => k);
}

/** ` (did you mean "a" or "b"?)`, or nothing when no name is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const near = closest(name, known);
  if (near.length === 0) return "";
  return ` (did you mean ${near.map((n) => JSON.stringify(n)).join(" or ")}?)`;
}
