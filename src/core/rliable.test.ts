/**
 * rliable parity (fixtures/rliable/, made by running rliable's own code at the
 * commit the fixtures name) and the bootstrap's statistical properties.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  aggregateMean,
  aggregateMedian,
  averageScoreDistribution,
  improvementProbabilities,
  iqm,
  optimalityGap,
  pairwiseSum,
  probabilityOfImprovement,
  scoreDistribution,
  trimMean,
  type AggregateName,
} from "./rliable.js";
import { comparePair, intervalEstimate, intervalEstimates, percentileInterval, performanceProfile, probabilityOfImprovementInterval, stratifiedResample, verdict } from "./rliable-bootstrap.js";
import { Rng } from "./rng.js";

const root = new URL("../../", import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`fixtures/rliable/${name}`, root), "utf8"));
const RLIABLE_COMMIT = "3ccd9f4dea577a04d3d2b557f259aac08badbd81";

/** |ours − theirs| ≤ 1e-12·max(1, |theirs|). */
function close(ours: number, theirs: number): void {
  expect(Math.abs(ours - theirs), `${ours} vs ${theirs}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(theirs)));
}

interface AggregateCase {
  name: string;
  scores: number[][];
  iqm: number;
  mean: number;
  median: number;
  optimalityGap: number;
  optimalityGapHalf: number;
  taus: number[];
  scoreDistribution: number[];
  averageScoreDistribution: number[];
}
interface ImprovementCase {
  name: string;
  x: number[][];
  y: number[][];
  probabilityOfImprovement: number;
  perTask: number[];
}
interface PercentileCase {
  replicates: number[];
  intervals: { confidence: number; lo: number; hi: number }[];
}

const metrics = fixture("metrics.json") as {
  source: { commit: string };
  aggregates: AggregateCase[];
  improvement: ImprovementCase[];
  percentile: PercentileCase[];
};
const boot = fixture("bootstrap.json");

describe("parity with rliable's metrics.py (point estimates)", () => {
  test("fixtures come from the pinned rliable commit", () => {
    expect(metrics.source.commit).toBe(RLIABLE_COMMIT);
    expect(boot.source.commit).toBe(RLIABLE_COMMIT);
    expect(metrics.aggregates.length).toBeGreaterThanOrEqual(15);
  });

  test.each(metrics.aggregates.map((c) => [c.name, c] as const))("aggregates: %s", (_, c) => {
    // IQM: scipy sums the kept values in np.partition's order, rewardlab sorted; a few ulps apart at most.
    close(iqm(c.scores), c.iqm);
    // The rest use numpy's summation order: bit for bit.
    expect(aggregateMean(c.scores)).toBe(c.mean);
    expect(aggregateMedian(c.scores)).toBe(c.median);
    expect(optimalityGap(c.scores)).toBe(c.optimalityGap);
    expect(optimalityGap(c.scores, 0.5)).toBe(c.optimalityGapHalf);
    expect(scoreDistribution(c.scores, c.taus)).toEqual(c.scoreDistribution);
    expect(averageScoreDistribution(c.scores, c.taus)).toEqual(c.averageScoreDistribution);
  });

  test("IQM is bit for bit on most matrices (where partition order does not matter)", () => {
    const exact = metrics.aggregates.filter((c) => iqm(c.scores) === c.iqm).length;
    expect(exact).toBeGreaterThanOrEqual(metrics.aggregates.length - 4);
  });

  test.each(metrics.improvement.map((c) => [c.name, c] as const))("probability of improvement: %s", (_, c) => {
    expect(probabilityOfImprovement(c.x, c.y)).toBe(c.probabilityOfImprovement);
    expect(improvementProbabilities(c.x, c.y)).toEqual(c.perTask);
  });

  test("percentile interval is arch's (numpy's linear percentiles at 100α and 100(1 − α))", () => {
    for (const c of metrics.percentile) {
      for (const iv of c.intervals) expect(percentileInterval(c.replicates, iv.confidence)).toEqual([iv.lo, iv.hi]);
    }
  });
});

describe("parity with rliable's library.py bootstraps, replayed with the same draws", () => {
  test("the generator's Rng port gives rewardlab's stream", () => {
    const rng = new Rng(boot.rngCheck.seed);
    expect(Array.from({ length: boot.rngCheck.uint32.length }, () => rng.uint32())).toEqual(boot.rngCheck.uint32);
  });

  test.each((boot.cases as { name: string; kind: string }[]).map((c) => [`${c.kind}: ${c.name}`, c] as const))("%s", (_, c: any) => {
    if (c.kind === "aggregates") {
      const out = intervalEstimates(c.scores, c.metrics as AggregateName[], new Rng(c.seed), {
        reps: c.reps,
        confidence: c.confidence,
        taskBootstrap: c.taskBootstrap,
      });
      out.forEach((e, k) => {
        if (c.metrics[k] === "iqm") {
          // Replicates a few ulps apart (summation order), so the percentiles too.
          close(e.point, c.points[k]);
          close(e.lo, c.lo[k]);
          close(e.hi, c.hi[k]);
        } else {
          expect([e.point, e.lo, e.hi]).toEqual([c.points[k], c.lo[k], c.hi[k]]);
        }
      });
    } else if (c.kind === "improvement") {
      const e = probabilityOfImprovementInterval(c.x, c.y, new Rng(c.seed), { reps: c.reps, confidence: c.confidence });
      expect([e.point, e.lo, e.hi]).toEqual([c.point, c.lo, c.hi]);
    } else {
      const p = performanceProfile(c.scores, c.taus, new Rng(c.seed), { reps: c.reps, confidence: c.confidence, average: c.average });
      expect(p.profile).toEqual(c.profile);
      expect(p.lo).toEqual(c.lo);
      expect(p.hi).toEqual(c.hi);
    }
  });
});

describe("trimming", () => {
  test("int(0.25·n) values are cut from each end, rounded down", () => {
    expect(trimMean([1, 2, 3, 5], 0.25)).toBe(2.5); // scipy's docstring example
    expect(iqm([5, 1, 100])).toBeCloseTo(106 / 3, 14); // n = 3: nothing cut
    expect(iqm([1, 2, 3, 4, 100])).toBe(3); // n = 5: one cut each end
    expect(iqm([0, 1, 2, 3, 4, 5, 6, 7, 8, 1000])).toBe(4.5); // n = 10: two each end, mean of 2…7
    expect(iqm([[1, 2], [3, 4], [5, 100]])).toBe(3.5); // runs × tasks flattened, 6 values: one each end
    expect(Number.isNaN(trimMean([], 0.25))).toBe(true);
  });

  test("pairwiseSum adds like numpy (exact on integers, any length)", () => {
    for (const n of [0, 1, 7, 8, 9, 127, 128, 129, 1000]) {
      const xs = Array.from({ length: n }, (_, i) => i);
      expect(pairwiseSum(xs)).toBe((n * Math.max(n - 1, 0)) / 2);
    }
  });

  test("bad shapes and NaN are refused", () => {
    expect(() => aggregateMean([])).toThrow(RangeError);
    expect(() => aggregateMean([[1, 2], [3]])).toThrow(/run 1/);
    expect(() => aggregateMean([[1, NaN]])).toThrow(/NaN/);
    expect(() => probabilityOfImprovement([[1, 2]], [[1]])).toThrow(/tasks/);
    expect(() => intervalEstimate([[1]], "nope" as AggregateName, new Rng(0))).toThrow(/metric/);
  });
});

/** Normal scores, `runs` × `tasks`, task j centred on `centres[j]`. */
function normalScores(rng: Rng, runs: number, centres: readonly number[]): number[][] {
  return Array.from({ length: runs }, () => centres.map((c) => rng.normal(c, 1)));
}

describe("stratified bootstrap", () => {
  test("a resample takes each task's scores only from that task", () => {
    const scores = [
      [1, 10, 100],
      [2, 20, 200],
      [3, 30, 300],
    ];
    const r = stratifiedResample(scores, new Rng(3));
    for (const row of r) row.forEach((v, j) => expect(scores.map((s) => s[j])).toContain(v));
  });

  test("same seed, same interval; another seed, another", () => {
    const scores = normalScores(new Rng(1), 6, [0, 0.5, 1]);
    const a = intervalEstimate(scores, "iqm", new Rng(9), { reps: 500 });
    const b = intervalEstimate(scores, "iqm", new Rng(9), { reps: 500 });
    const c = intervalEstimate(scores, "iqm", new Rng(10), { reps: 500 });
    expect(b).toEqual(a);
    expect([c.lo, c.hi]).not.toEqual([a.lo, a.hi]);
  });

  test("intervals are made of replicate values: inside their range and the data's", () => {
    const rng = new Rng(5);
    for (let k = 0; k < 20; k++) {
      const scores = Array.from({ length: 2 + (k % 5) }, () => Array.from({ length: 1 + (k % 3) }, () => rng.int(11) / 10));
      const flat = scores.flat();
      for (const metric of ["iqm", "mean", "median"] as const) {
        const e = intervalEstimate(scores, metric, rng, { reps: 200, keepReplicates: true, confidence: 0.9 });
        const reps = e.replicates!;
        expect(e.lo).toBeGreaterThanOrEqual(Math.min(...reps));
        expect(e.hi).toBeLessThanOrEqual(Math.max(...reps));
        expect(e.lo).toBeLessThanOrEqual(e.hi);
        // Success rates: the interval never leaves [0, 1], nor the data's range beyond an ulp.
        expect(e.lo).toBeGreaterThanOrEqual(0);
        expect(e.hi).toBeLessThanOrEqual(1);
        expect(e.lo).toBeGreaterThanOrEqual(Math.min(...flat) * (1 - 1e-15));
        expect(e.hi).toBeLessThanOrEqual(Math.max(...flat) * (1 + 1e-15));
      }
      const poi = probabilityOfImprovementInterval(scores, scores.map((r) => r.map((v) => 1 - v)), rng, { reps: 200 });
      expect(poi.lo).toBeGreaterThanOrEqual(0);
      expect(poi.hi).toBeLessThanOrEqual(1);
    }
  });

  test("clip clamps point and interval to a declared range (the float mean of 0.1s exceeds 0.1)", () => {
    const scores = [[0.1], [0.1], [0.1]];
    const raw = intervalEstimate(scores, "mean", new Rng(0), { reps: 50 });
    expect(raw.point).toBeGreaterThan(0.1); // 0.10000000000000002
    const clipped = intervalEstimate(scores, "mean", new Rng(0), { reps: 50, clip: [0, 0.1] });
    expect([clipped.point, clipped.lo, clipped.hi]).toEqual([0.1, 0.1, 0.1]);
  });

  test("95% intervals cover the true IQM and mean at least 90% of the time (200 repetitions)", () => {
    const rng = new Rng(2021);
    const trueIqm = 0.3; // symmetric distribution: population IQM = centre
    const centres = [-0.2, 0.3, 1.1];
    const trueMean = (centres[0] + centres[1] + centres[2]) / 3;
    let iqmHits = 0;
    let meanHits = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const same = normalScores(rng, 10, [0.3, 0.3, 0.3]);
      const e = intervalEstimate(same, "iqm", rng, { reps: 400 });
      if (e.lo <= trueIqm && trueIqm <= e.hi) iqmHits++;
      const diff = normalScores(rng, 10, centres);
      const m = intervalEstimate(diff, "mean", rng, { reps: 400 });
      if (m.lo <= trueMean && trueMean <= m.hi) meanHits++;
    }
    expect(iqmHits / trials).toBeGreaterThanOrEqual(0.9);
    expect(meanHits / trials).toBeGreaterThanOrEqual(0.9);
  });

  test("P(X > Y) intervals cover the true probability at least 90% of the time", () => {
    // X ~ N(0.5, 1), Y ~ N(0, 1): P(X > Y) = Φ(0.5/√2) = 0.638163…
    const truth = 0.6381631950841185;
    const rng = new Rng(7);
    let hits = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const x = normalScores(rng, 10, [0.5, 0.5]);
      const y = normalScores(rng, 8, [0, 0]);
      const e = probabilityOfImprovementInterval(x, y, rng, { reps: 300 });
      if (e.lo <= truth && truth <= e.hi) hits++;
    }
    expect(hits / trials).toBeGreaterThanOrEqual(0.9);
  });

  test("more runs, narrower intervals", () => {
    const rng = new Rng(11);
    const width = (runs: number) => {
      let w = 0;
      for (let k = 0; k < 10; k++) {
        const e = intervalEstimate(normalScores(rng, runs, [0, 1]), "iqm", rng, { reps: 300 });
        w += e.hi - e.lo;
      }
      return w / 10;
    };
    const w5 = width(5);
    const w20 = width(20);
    const w80 = width(80);
    expect(w20).toBeLessThan(w5 * 0.75);
    expect(w80).toBeLessThan(w20 * 0.75);
  });

  test("per-seed and per-task values come back beside the summary", () => {
    const scores = [
      [1, 3],
      [2, 6],
      [4, 8],
    ];
    const e = intervalEstimate(scores, "mean", new Rng(0), { reps: 100 });
    expect(e.perRun).toEqual([2, 4, 6]);
    expect(e.perTask).toEqual([7 / 3, 17 / 3]);
    expect(e.point).toBe(4);
    const p = probabilityOfImprovementInterval([[3], [4]], [[1], [2], [3]], new Rng(0), { reps: 100 });
    expect(p.perRunX).toEqual([3, 4]);
    expect(p.perRunY).toEqual([1, 2, 3]);
    expect(p.perTask).toEqual([(2.5 + 3) / 6]);
  });

  test("the counting shortcuts give the replicates of the plain statistics on the same resamples", () => {
    const rng = new Rng(17);
    const x = Array.from({ length: 9 }, () => Array.from({ length: 4 }, () => [-0, 0, rng.int(5) / 4, rng.normal()][rng.int(4)]));
    const y = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => [-0, 0, rng.int(5) / 4, rng.normal()][rng.int(4)]));
    for (const taskBootstrap of [false, true]) {
      const e = intervalEstimate(x, "iqm", new Rng(3), { reps: 200, keepReplicates: true, taskBootstrap });
      const replay = new Rng(3);
      const plain = Array.from({ length: 200 }, () => iqm(stratifiedResample(x, replay, taskBootstrap)));
      expect(Array.from(e.replicates!)).toEqual(plain);
    }
    const p = probabilityOfImprovementInterval(x, y, new Rng(4), { reps: 200, keepReplicates: true });
    const replay = new Rng(4);
    const plain = Array.from({ length: 200 }, () => {
      const rx = stratifiedResample(x, replay);
      return probabilityOfImprovement(rx, stratifiedResample(y, replay));
    });
    expect(Array.from(p.replicates!)).toEqual(plain);
  });

  test("several metrics from one set of resamples equal the metrics one at a time when the draws are the same", () => {
    const scores = normalScores(new Rng(4), 7, [0, 1, 2]);
    const both = intervalEstimates(scores, ["iqm", "median"], new Rng(8), { reps: 300 });
    const alone = intervalEstimate(scores, "median", new Rng(8), { reps: 300 });
    expect(both[1]).toEqual(alone);
    // A custom statistic sees the resampled matrix.
    const custom = intervalEstimate(scores, (m) => Math.max(...m.flat()), new Rng(8), { reps: 300 });
    expect(custom.hi).toBeLessThanOrEqual(Math.max(...scores.flat()));
  });

  test("performance profile: non-increasing in τ, bands around it, within [0, 1]", () => {
    const scores = normalScores(new Rng(6), 10, [0, 0.5, 1, 1.5]);
    const taus = [-2, -1, 0, 0.5, 1, 2, 3];
    const p = performanceProfile(scores, taus, new Rng(1), { reps: 300 });
    for (let k = 0; k < taus.length; k++) {
      if (k > 0) expect(p.profile[k]).toBeLessThanOrEqual(p.profile[k - 1]);
      expect(p.lo[k]).toBeLessThanOrEqual(p.profile[k] + 0.05);
      expect(p.hi[k]).toBeGreaterThanOrEqual(p.profile[k] - 0.05);
      expect(p.lo[k]).toBeGreaterThanOrEqual(0);
      expect(p.hi[k]).toBeLessThanOrEqual(1);
    }
  });
});

describe("wording", () => {
  test("better only when the interval of P(A > B) excludes 0.5", () => {
    expect(verdict({ lo: 0.51, hi: 0.9 })).toBe("A better than B");
    expect(verdict({ lo: 0.1, hi: 0.49 })).toBe("B better than A");
    expect(verdict({ lo: 0.5, hi: 0.9 })).toBe("no clear difference");
    expect(verdict({ lo: 0.2, hi: 0.5 })).toBe("no clear difference");
  });

  test("comparePair words clear and unclear differences with the designs' names", () => {
    const rng = new Rng(12);
    const strong = normalScores(rng, 10, [2, 2, 2]);
    const weak = normalScores(rng, 10, [0, 0, 0]);
    const ab = comparePair(strong, weak, rng, { reps: 1000, names: ["shaped", "sparse"] });
    expect(ab.verdict).toBe("A better than B");
    expect(ab.text).toBe("shaped better than sparse");
    const ba = comparePair(weak, strong, rng, { reps: 1000, names: ["sparse", "shaped"] });
    expect(ba.verdict).toBe("B better than A");
    expect(ba.text).toBe("shaped better than sparse");
    const same = normalScores(rng, 10, [0, 0, 0]);
    const none = comparePair(weak, same, rng, { reps: 1000 });
    expect(none.verdict).toBe("no clear difference");
    expect(none.poi.lo).toBeLessThanOrEqual(0.5);
    expect(none.poi.hi).toBeGreaterThanOrEqual(0.5);
  });
});
