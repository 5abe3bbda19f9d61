/**
 * Benchmark plumbing: time a loop, compare it with a recorded baseline,
 * print a table or one JSON object per line:
 * {"suite": "envs", "name": "doorkey-8x8/vector64", "value": 2.4e6, "unit": "steps/s", "baseline": 1.0e4, "ratio": 240}
 */
export interface Figure {
  suite: string;
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

/**
 * Runs `work(iterations)` repeatedly for about `seconds` after a warm-up and
 * returns the median rate in units per second (`units` counted per iteration).
 */
export function measureRate(work: (iterations: number) => void, unitsPerIteration: number, seconds: number): number {
  // Warm up (JIT) and size a batch to ~1/10 of the budget.
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    work(batch);
    const dt = (performance.now() - t0) / 1000;
    if (dt > seconds / 20 || batch > 1e9) break;
    batch *= 2;
  }
  const rates: number[] = [];
  const end = performance.now() + seconds * 1000;
  do {
    const t0 = performance.now();
    work(batch);
    const dt = (performance.now() - t0) / 1000;
    rates.push((batch * unitsPerIteration) / dt);
  } while (performance.now() < end || rates.length < 3);
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

export function withBaseline(f: Omit<Figure, "ratio">): Figure {
  return f.baseline ? { ...f, ratio: round(f.value / f.baseline, 3) } : f;
}

export function formatFigure(f: Figure, json: boolean): string {
  if (json) return JSON.stringify({ ...f, value: round(f.value, 4) });
  const ratio = f.ratio !== undefined ? `${f.ratio >= 10 ? Math.round(f.ratio) : f.ratio.toFixed(2)}×` : "—";
  const baseline = f.baseline !== undefined ? human(f.baseline) : "—";
  return `${f.suite.padEnd(8)} ${f.name.padEnd(40)} ${human(f.value).padStart(10)} ${f.unit.padEnd(8)} ${baseline.padStart(10)} ${ratio.padStart(8)}`;
}

export function header(): string {
  return `${"suite".padEnd(8)} ${"name".padEnd(40)} ${"value".padStart(10)} ${"unit".padEnd(8)} ${"baseline".padStart(10)} ${"ratio".padStart(8)}`;
}

function human(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toPrecision(3);
}

function round(x: number, digits: number): number {
  return Number(x.toPrecision(digits));
}
