/**
 * Episodic novelty (Badia et al. 2020, "Never Give Up"): each environment
 * keeps the embeddings of the states of its current episode; a new state's
 * bonus is high when it is far from its k nearest neighbours there:
 *
 *   r = 1 / (√(Σ_{j≤k} K(x, n_j)) + c),  K(x, y) = ε / (d²(x, y)/d²_m + ε)
 *
 * with d²_m a running mean of the squared k-nearest distances. Embeddings
 * are fixed random features tanh(W·s′) (NGU learns them by inverse dynamics).
 * Memory restarts at each episode.
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import type { ModuleBatch, RewardModule } from "./module.js";
import { BonusScale, parseBonusOptions, type BonusScaleState } from "./options.js";

const NoveltyOptions = z.object({
  features: z.number().int().min(1).max(256).default(16).describe("size of the random embedding"),
  k: z.number().int().min(1).default(10).describe("neighbours"),
  epsilon: z.number().positive().default(1e-3).describe("kernel ε"),
  c: z.number().positive().default(1e-3).describe("pseudo-count constant c"),
  maxMemory: z.number().int().positive().default(4096).describe("embeddings kept per episode (oldest dropped)"),
  seed: z.number().int().nonnegative().default(0),
});

/** Each environment's episode so far: the embeddings it remembers (the ring's rows in slot order) and how many it has seen; the kernel's running mean. */
interface NoveltyState {
  memories: number[][];
  sizes: number[];
  meanSq: number;
  meanCount: number;
  scale: BonusScaleState;
}

export function episodicNoveltyBonus(raw: Record<string, unknown>, path: string): RewardModule & { memorySize(i: number): number } {
  const o = parseBonusOptions(NoveltyOptions, raw, path);
  const scale = new BonusScale(o);
  const m = o.features;
  let d = 0;
  let W = new Float32Array(0);
  const memories: Float32Array[] = [];
  const sizes: number[] = [];
  const x = new Float64Array(m);
  let nearest = new Float64Array(0);
  let meanSq = 0;
  let meanCount = 0;
  return {
    name: "episodic-novelty",
    memorySize: (i) => sizes[i],
    init(info) {
      d = info.obsSize;
      const rng = new Rng(o.seed);
      W = new Float32Array(d * m);
      const s = 1 / Math.sqrt(d);
      for (let r = 0; r < m; r++) for (let j = 0; j < d; j++) W[j * m + r] = rng.normal() * s;
      for (let i = 0; i < info.n; i++) {
        memories.push(new Float32Array(o.maxMemory * m));
        sizes.push(0);
      }
      nearest = new Float64Array(o.k);
    },
    compute(b: ModuleBatch, out: Float64Array) {
      const obs = b.nextObs!;
      for (let i = 0; i < b.n; i++) {
        // x = tanh(W·s′)
        x.fill(0);
        for (let j = 0; j < d; j++) {
          const v = obs[i * d + j];
          if (v === 0) continue;
          for (let r = 0; r < m; r++) x[r] += W[j * m + r] * v;
        }
        for (let r = 0; r < m; r++) x[r] = Math.tanh(x[r]);
        // The k smallest squared distances to this episode's memory (insertion into a sorted list).
        const mem = memories[i];
        // sizes[i] counts every embedding of the episode; the memory is a ring of maxMemory.
        const size = Math.min(sizes[i], o.maxMemory);
        const k = Math.min(o.k, size);
        nearest.fill(Infinity);
        for (let e = 0; e < size; e++) {
          let dist = 0;
          for (let r = 0; r < m; r++) dist += (mem[e * m + r] - x[r]) ** 2;
          if (dist >= nearest[o.k - 1]) continue;
          let p = o.k - 1;
          while (p > 0 && nearest[p - 1] > dist) {
            nearest[p] = nearest[p - 1];
            p--;
          }
          nearest[p] = dist;
        }
        let kernel = 0;
        for (let j = 0; j < k; j++) {
          meanSq += (nearest[j] - meanSq) / ++meanCount;
        }
        for (let j = 0; j < k; j++) kernel += o.epsilon / (nearest[j] / Math.max(meanSq, 1e-12) + o.epsilon);
        out[i] = 1 / (Math.sqrt(kernel) + o.c);
        // Remember s′ (overwriting the oldest when full).
        const slot = sizes[i] % o.maxMemory;
        for (let r = 0; r < m; r++) mem[slot * m + r] = x[r];
        sizes[i]++;
      }
      scale.apply(out, b.n);
    },
    endEpisode(i) {
      sizes[i] = 0;
    },
    state(): NoveltyState {
      return {
        memories: memories.map((mem, i) => Array.from(mem.subarray(0, Math.min(sizes[i], o.maxMemory) * m))),
        sizes: [...sizes],
        meanSq,
        meanCount,
        scale: scale.state(),
      };
    },
    load(state) {
      const s = state as NoveltyState;
      s.memories.forEach((mem, i) => memories[i].set(mem));
      sizes.splice(0, sizes.length, ...s.sizes);
      meanSq = s.meanSq;
      meanCount = s.meanCount;
      scale.load(s.scale);
    },
  };
}
