/** Levenshtein distance, case-insensitive: what "did you mean" ranks by. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The known names closest to `name`, best first: those within a third of the
 * name's length in edits, or that contain it; at most `max`.
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
  return scored.slice(0, max).map(([k]) => k);
}

/** ` (did you mean "a" or "b"?)`, or nothing when no name is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const near = closest(name, known);
  if (near.length === 0) return "";
  return ` (did you mean ${near.map((n) => JSON.stringify(n)).join(" or ")}?)`;
}
