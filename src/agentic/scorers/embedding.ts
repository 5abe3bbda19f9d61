/**
 * Scorers over offline sentence embeddings (src/agentic/rm/embedder.ts):
 *
 * - `rm`: an in-process reward model, the Bradley–Terry head written by
 *   `rewardlab rm train`, applied to the embedding of the trajectory's
 *   prompt and answer (`rmText(promptText(prompt), answer)`, the same text
 *   the head was trained on). The value is the head's score, unbounded
 *   (a logit: r_a − r_b is the log-odds that a beats b).
 * - `similarity`: the cosine similarity of the answer's embedding to the
 *   closest of the references (`reference.answer`, every one of a list,
 *   and `reference.responses`), in [−1, 1]; null without a reference, 0
 *   for an empty answer.
 *
 * Each batch is embedded in one call (cached by text), so a batch of n
 * trajectories costs about n embeddings: some 15–25 ms each for texts of
 * ~100 characters on a 2-core CPU, plus ~0.2–0.4 s to load the model once.
 */
import { resolve } from "node:path";
import { z } from "zod";
import { defineScorer, type Score, type ScorerDefinition } from "../scorer.js";
import type { Trajectory } from "../trajectory.js";
import { cosine, embed } from "../rm/embedder.js";
import { loadHead, promptText, rmText } from "../rm/head.js";

const RmOptions = z
  .object({
    model: z.string().min(1).describe("the reward head file (JSON) written by `rewardlab rm train`, relative to the spec's directory"),
  })
  .strict();

export const rmScorer = defineScorer({
  kind: "rm",
  description: "offline reward model: a Bradley–Terry head (rewardlab rm train) over the sentence embedding of prompt + answer",
  options: RmOptions,
  make(options, name, context) {
    // Loaded now, so a missing or malformed file fails when the spec is built, not mid-run.
    const { head } = loadHead(resolve(context.baseDir, options.model));
    return {
      name,
      async scoreBatch(batch: readonly Trajectory[]): Promise<Score[]> {
        const vectors = await embed(batch.map((t) => rmText(promptText(t.prompt), t.answer)));
        return vectors.map((v) => {
          const r = head.score(v);
          return { value: r, reason: `reward model ${options.model} scores ${r.toFixed(3)}` };
        });
      },
    };
  },
});

const SimilarityOptions = z
  .object({
    against: z.enum(["all", "answer", "responses"]).default("all").describe("which references to compare with: reference.answer, reference.responses, or both"),
  })
  .strict();

/** The reference texts a trajectory's answer is compared with, each with where it came from. */
export function referenceTexts(t: Trajectory, against: "all" | "answer" | "responses"): { text: string; from: string }[] {
  const out: { text: string; from: string }[] = [];
  const { answer, responses } = t.reference;
  if (against !== "responses" && answer !== undefined) {
    if (Array.isArray(answer)) answer.forEach((a, i) => out.push({ text: String(a), from: `reference.answer[${i}]` }));
    else out.push({ text: String(answer), from: "reference.answer" });
  }
  if (against !== "answer" && responses) responses.forEach((r, i) => out.push({ text: r, from: `reference.responses[${i}]` }));
  return out.filter((r) => r.text.trim() !== "");
}

export const similarityScorer = defineScorer({
  kind: "similarity",
  description: "cosine similarity of the answer's sentence embedding to the closest reference answer or response (null without one)",
  options: SimilarityOptions,
  make(options, name) {
    return {
      name,
      async scoreBatch(batch: readonly Trajectory[]): Promise<Score[]> {
        const refs = batch.map((t) => referenceTexts(t, options.against));
        const texts: string[] = [];
        batch.forEach((t, i) => {
          if (refs[i].length > 0 && t.answer.trim() !== "") texts.push(t.answer, ...refs[i].map((r) => r.text));
        });
        const vectors = new Map<string, Float32Array>();
        if (texts.length > 0) {
          const distinct = [...new Set(texts)];
          (await embed(distinct)).forEach((v, i) => vectors.set(distinct[i], v));
        }
        return batch.map((t, i): Score => {
          if (refs[i].length === 0) {
            const where = options.against === "all" ? "reference.answer or reference.responses" : `reference.${options.against}`;
            return { value: null, reason: `no ${where} to compare with` };
          }
          if (t.answer.trim() === "") return { value: 0, reason: "empty answer" };
          const a = vectors.get(t.answer)!;
          let best = -Infinity;
          let from = "";
          for (const r of refs[i]) {
            const s = cosine(a, vectors.get(r.text)!);
            if (s > best) [best, from] = [s, r.from];
          }
          return { value: best, reason: `cosine similarity ${best.toFixed(3)} to ${from}${refs[i].length > 1 ? ` (best of ${refs[i].length})` : ""}` };
        });
      },
    };
  },
});

export const embeddingScorers: ScorerDefinition[] = [rmScorer, similarityScorer];
