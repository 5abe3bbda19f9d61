/**
 * The reward server over real HTTP on 127.0.0.1: a contract test per route,
 * bad bodies, auth, overload and graceful shutdown. The scorers are small
 * ones defined here, so what is tested is the server, not a scorer.
 */
import { request as httpRequest } from "node:http";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { RewardPipeline } from "../agentic/pipeline.js";
import { defineScorer, failed, ruleScorer, type ScorerDefinition } from "../agentic/scorer.js";
import { parseAgenticSpec } from "../agentic/spec.js";
import { buildServer, type ServerOptions } from "./app.js";

/** `exact`: 1 when the answer equals the reference answer, null without one. */
const exact = defineScorer({
  kind: "exact",
  description: "test scorer",
  options: z.object({}).strict(),
  make: (_o, name) =>
    ruleScorer(name, (t) => (t.reference.answer === undefined ? { value: null, reason: "no reference" } : { value: t.answer.trim() === String(t.reference.answer) ? 1 : 0, reason: "compared" })),
});
/** `length`: the answer's length / 100. */
const length = defineScorer({
  kind: "length",
  description: "test scorer",
  options: z.object({ per: z.number().default(100) }).strict(),
  make: (o, name) => ruleScorer(name, (t) => ({ value: t.answer.length / o.per, reason: `${t.answer.length} chars` })),
});
/** `slow`: resolves after `ms`, counting calls (a stand-in for a judge's latency). */
let slowCalls = 0;
const slow = defineScorer({
  kind: "slow",
  description: "test scorer",
  options: z.object({ ms: z.number().default(200) }).strict(),
  make: (o, name) => ({
    name,
    scoreBatch: async (batch) => {
      slowCalls += batch.length;
      await new Promise((r) => setTimeout(r, o.ms));
      return batch.map(() => ({ value: 0.5, reason: "slow" }));
    },
  }),
});
/** `fragile`: abstains without a reference answer, fails (cannot read its input) when it is "broken", else 1. */
const fragile = defineScorer({
  kind: "fragile",
  description: "test scorer",
  options: z.object({}).strict(),
  make: (_o, name) => ruleScorer(name, (t) => (t.reference.answer === undefined ? { value: null, reason: "no reference" } : t.reference.answer === "broken" ? failed("reference does not parse") : { value: 1, reason: "fine" })),
});
const DEFS = new Map<string, ScorerDefinition>([exact, length, slow, fragile].map((d) => [d.kind, d as ScorerDefinition]));

function pipeline(spec: unknown): RewardPipeline {
  return new RewardPipeline(parseAgenticSpec(spec, DEFS), { baseDir: ".", env: {} });
}

const SPEC = { aspects: [{ name: "correct", kind: "exact" }, { name: "long", kind: "length", weight: -0.5 }], advantages: { estimator: "grpo", preset: "verl" } };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(spec: unknown = SPEC, options: ServerOptions = {}): Promise<string> {
  app = buildServer(pipeline(spec), options);
  return app.listen({ host: "127.0.0.1", port: 0 });
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

describe("native routes", () => {
  it("POST /v1/score returns the weighted reward, each aspect and its reason", async () => {
    const url = await start();
    const r = await post(`${url}/v1/score`, { answer: "42", reference: { answer: "42" } });
    expect(r.status).toBe(200);
    expect(r.json.aspects).toEqual({ correct: 1, long: 0.02 });
    expect(r.json.reward).toBeCloseTo(1 - 0.5 * 0.02, 12);
    expect(r.json.reasons.long).toBe("2 chars");
  });

  it("a not-applicable aspect is null and counts 0 in the reward", async () => {
    const url = await start();
    const r = await post(`${url}/v1/score`, { answer: "abcd" });
    expect(r.json.aspects.correct).toBeNull();
    expect(r.json.reward).toBeCloseTo(-0.02, 12);
  });

  it("the answer defaults to the last assistant message", async () => {
    const url = await start();
    const r = await post(`${url}/v1/score`, { turns: [{ role: "assistant", content: "7" }, { role: "tool", content: "x" }, { role: "assistant", content: "42" }], reference: { answer: "42" } });
    expect(r.json.aspects.correct).toBe(1);
  });

  it("POST /v1/score/batch scores each trajectory in order", async () => {
    const url = await start();
    const r = await post(`${url}/v1/score/batch`, { trajectories: [{ answer: "1", reference: { answer: "1" } }, { answer: "2", reference: { answer: "1" } }] });
    expect(r.status).toBe(200);
    expect(r.json.results.map((x: any) => x.aspects.correct)).toEqual([1, 0]);
  });

  it("POST /v1/advantages computes GRPO per group from trajectories (verl conventions)", async () => {
    const url = await start({ aspects: [{ name: "correct", kind: "exact" }], advantages: { preset: "verl" } });
    const ok = { answer: "y", reference: { answer: "y" } };
    const bad = { answer: "n", reference: { answer: "y" } };
    const r = await post(`${url}/v1/advantages`, { groups: [[ok, bad, bad, ok], [ok]] });
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([[1, 0, 0, 1], [1]]);
    // Group [1,0,0,1]: mean 0.5, unbiased std sqrt(1/3) = 0.57735 → ±0.5/0.57735 = ±0.866025.
    const a = r.json.advantages;
    expect(a[0][0]).toBeCloseTo(0.5 / (Math.sqrt(1 / 3) + 1e-6), 9);
    expect(a[0][1]).toBeCloseTo(-0.5 / (Math.sqrt(1 / 3) + 1e-6), 9);
    // verl: a group of one has mean 0 and std 1, so A = r/(1 + ε).
    expect(a[1][0]).toBeCloseTo(1 / (1 + 1e-6), 12);
  });

  it("POST /v1/advantages takes rewards directly, with options overriding the spec's", async () => {
    const url = await start();
    const r = await post(`${url}/v1/advantages`, { rewards: [[1, 2, 3, 6]], options: { estimator: "rloo" } });
    // RLOO: A_i = r_i − mean of the others: 1 − 11/3, 2 − 10/3, 3 − 3, 6 − 2.
    const expected = [1 - 11 / 3, 2 - 10 / 3, 0, 4];
    r.json.advantages[0].forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[i]!, 12));
  });

  it("a missing (null) reward is an error under verl's conventions and left out under TRL's", async () => {
    const url = await start();
    const bad = await post(`${url}/v1/advantages`, { rewards: [[1, 2], [1, null, 0]], options: { preset: "verl" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^body\.rewards\[1\]\[1\]: /);
    const trl = await post(`${url}/v1/advantages`, { rewards: [[1, null, 0]], options: { preset: "trl" } });
    expect(trl.status).toBe(200);
    // Current TRL leaves a row whose rewards are all None out of the group statistics: [1, 0], mean 1/2, Bessel std √(1/2).
    const σ = Math.sqrt(1 / 2) + 1e-4;
    expect(trl.json.advantages[0][0]).toBeCloseTo(0.5 / σ, 9);
    expect(trl.json.advantages[0][1]).toBe(0);
    expect(trl.json.advantages[0][2]).toBeCloseTo(-0.5 / σ, 9);
    expect(trl.json.valid).toEqual([[true, false, true]]);
  });

  it("options a request leaves out keep the spec's values", async () => {
    const url = await start({ ...SPEC, advantages: { estimator: "dr-grpo" } });
    // Dr. GRPO (the spec's) with a TRL preset: r − mean, no division.
    const r = await post(`${url}/v1/advantages`, { rewards: [[1, 2, 3, 6]], options: { preset: "trl" } });
    expect(r.json.advantages[0]).toEqual([-2, -1, 0, 3]);
    const bad = await post(`${url}/v1/advantages`, { rewards: [[1, 2]], options: { estimator: "ppo" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^body\.options\.estimator: expected one of "grpo"/);
  });
});

describe("trainer protocols", () => {
  it("POST /get_reward speaks OpenRLHF's remote reward model protocol", async () => {
    const url = await start();
    const r = await post(`${url}/get_reward`, { query: ["Q: 6*7? A: 42", "Q: 1+1? A: 3"], prompts: ["Q: 6*7? A: ", "Q: 1+1? A: "], labels: ["42", "2"] });
    expect(r.status).toBe(200);
    expect(r.json.rewards).toHaveLength(2);
    expect(r.json.rewards[0]).toBeCloseTo(1 - 0.5 * 0.02, 12);
    expect(r.json.rewards[1]).toBeCloseTo(-0.5 * 0.01, 12);
    expect(r.json.extra_logs).toEqual({ correct: [1, 0], long: [0.02, 0.01], rewardlab_failed: [0, 0] });
  });

  it("POST /get_reward rejects labels that do not line up with the queries", async () => {
    const url = await start();
    const r = await post(`${url}/get_reward`, { query: ["a", "b"], labels: ["x"] });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/expected 2 labels/);
  });

  it("POST /compute_score answers verl's compute_score, one item or a batch", async () => {
    const url = await start();
    const one = await post(`${url}/compute_score`, { data_source: "gsm8k", solution_str: "5", ground_truth: "5", extra_info: { split: "test" } });
    expect(one.status).toBe(200);
    expect(one.json).toEqual({ score: 1 - 0.5 * 0.01, correct: 1, long: 0.01, rewardlab_failed: 0 });
    const many = await post(`${url}/compute_score`, { data_sources: ["a", "b"], solution_strs: ["5", "6"], ground_truths: ["5", "5"] });
    expect(many.json.map((x: any) => x.correct)).toEqual([1, 0]);
  });
});

describe("failed is not zero", () => {
  const FRAGILE = { aspects: [{ name: "ok", kind: "fragile" }, { name: "correct", kind: "exact", weight: 0 }] };
  const t = (answer: string) => ({ answer, reference: { answer } });
  const broken = { answer: "x", reference: { answer: "broken" } };

  it("a failed reward is null with its reason on the native routes, or the number the operator chose", async () => {
    const url = await start(FRAGILE);
    const r = await post(`${url}/v1/score`, broken);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ reward: null, status: "failed", failure: "ok: reference does not parse", aspects: { ok: null, correct: 0 } });
    const b = await post(`${url}/v1/score/batch`, { trajectories: [t("a"), broken, { answer: "y" }] });
    expect(b.json.results.map((x: any) => [x.reward, x.status])).toEqual([[1, "scored"], [null, "failed"], [null, "abstained"]]);
    await app!.close();
    const penalty = await start({ ...FRAGILE, failedReward: -1 });
    expect((await post(`${penalty}/v1/score`, broken)).json).toMatchObject({ reward: -1, status: "failed" });
    await app!.close();
    const zero = await start({ ...FRAGILE, failedReward: -1 }, { failedReward: 0 });
    expect((await post(`${zero}/v1/score`, broken)).json).toMatchObject({ reward: 0, status: "failed" });
  });

  it("OpenRLHF and verl receive null for a failed sample and log rewardlab_failed", async () => {
    const url = await start(FRAGILE);
    const o = await post(`${url}/get_reward`, { query: ["p a", "p x"], prompts: ["p ", "p "], labels: ["a", "broken"] });
    expect(o.json.rewards).toEqual([1, null]);
    expect(o.json.extra_logs.rewardlab_failed).toEqual([0, 1]);
    const v = await post(`${url}/compute_score`, { solution_strs: ["a", "x"], ground_truths: ["a", "broken"] });
    expect(v.json.map((x: any) => [x.score, x.rewardlab_failed])).toEqual([[1, 0], [null, 1]]);
  });

  it("/v1/advantages masks failed and abstained samples out of the group statistics, whatever the preset", async () => {
    const url = await start({ aspects: [{ name: "correct", kind: "exact" }, { name: "ok", kind: "fragile", weight: 0.5 }], advantages: { preset: "verl" } });
    // Rewards 1.5, 0.5, failed, abstained (no reference) → the statistics of [1.5, 0.5] only.
    const group = [t("a"), { answer: "b", reference: { answer: "c" } }, broken, { answer: "d" }];
    const r = await post(`${url}/v1/advantages`, { groups: [group] });
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([[1.5, 0.5, null, null]]);
    expect(r.json.valid).toEqual([[true, true, false, false]]);
    expect(r.json.status).toEqual([["scored", "scored", "failed", "abstained"]]);
    // mean 1, unbiased std √0.5: ±0.5/(√0.5 + 1e-6); the masked samples get 0.
    const a = 0.5 / (Math.sqrt(0.5) + 1e-6);
    expect(r.json.advantages[0][0]).toBeCloseTo(a, 9);
    expect(r.json.advantages[0][1]).toBeCloseTo(-a, 9);
    expect(r.json.advantages[0].slice(2)).toEqual([0, 0]);
  });

  it("/v1/trl answers TRL's kwargs with None where a reward failed or did not apply, or the chosen failed value", async () => {
    const body = {
      prompts: ["p", [{ role: "user", content: [{ type: "text", text: "q" }] }], "p"],
      completions: ["a", [{ role: "assistant", content: "", tool_calls: [{ type: "function", function: { name: "f", arguments: { x: 1 } } }] }, { role: "tool", name: "f", content: "1" }, { role: "assistant", content: "b" }], "x"],
      answer: ["a", "b", "broken"],
      level: [1, 2, 3],
      trainer_state: { global_step: 3 },
    };
    const url = await start(FRAGILE);
    expect((await post(`${url}/v1/trl`, body)).json).toEqual({ rewards: [1, 1, null] });
    expect((await post(`${url}/v1/trl`, { ...body, answer: [null, "b", "broken"] })).json.rewards).toEqual([null, 1, null]);
    const bad = await post(`${url}/v1/trl`, { ...body, level: [1, 2] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe("body.level: expected a dataset column: a list of 3 values (one per completion), got 2");
    const role = await post(`${url}/v1/trl`, { ...body, completions: ["a", [{ role: "bot", content: "b" }], "x"] });
    expect(role.json.error).toMatch(/^body\.completions\[1\]\[0\]\.role: /);
    await app!.close();
    const penalty = await start({ ...FRAGILE, failedReward: -1 });
    expect((await post(`${penalty}/v1/trl`, body)).json.rewards).toEqual([1, 1, -1]);
  });

  it("/metrics counts rewards by status and each aspect's failures", async () => {
    const url = await start(FRAGILE);
    await post(`${url}/v1/score/batch`, { trajectories: [t("a"), broken, broken, { answer: "z" }] });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('rewardlab_rewards_total{status="failed"} 2');
    expect(text).toContain('rewardlab_rewards_total{status="scored"} 1');
    expect(text).toContain('rewardlab_rewards_total{status="abstained"} 1');
    expect(text).toContain('rewardlab_aspect_failed_total{aspect="ok"} 2');
    expect(text).toContain('rewardlab_aspect_abstained_total{aspect="correct"} 1');
  });
});

describe("bad input", () => {
  it("a wrong type is a 400 naming the body path", async () => {
    const url = await start();
    const r = await post(`${url}/v1/score`, { answer: 42 });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("body.answer: expected string");
  });

  it("an unknown role names the path and the allowed values", async () => {
    const url = await start();
    const r = await post(`${url}/v1/score/batch`, { trajectories: [{ answer: "x" }, { turns: [{ role: "bot", content: "hi" }] }] });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^body\.trajectories\[1\]\.turns\[0\]\.role: expected one of "system", "user", "assistant", "tool"/);
  });

  it("an unknown key is an error, not silently dropped", async () => {
    const url = await start();
    const r = await post(`${url}/v1/score`, { answer: "x", anwser: "y" });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("body.anwser: unknown key");
  });

  it("malformed JSON, an empty body and a non-JSON content type are one-line 4xx errors", async () => {
    const url = await start();
    const bad = await post(`${url}/v1/score`, '{"answer": ');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^body: not valid JSON/);
    const empty = await post(`${url}/v1/score`, "");
    expect(empty.status).toBe(400);
    expect(empty.json.error).toMatch(/^body: empty/);
    const res = await fetch(`${url}/v1/score`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toMatch(/content-type/);
  });

  it("prototype-poisoning keys are refused, while the same words inside text are fine", async () => {
    const url = await start();
    const r = await post(`${url}/v1/score`, '{"answer": "x", "metadata": {"__proto__": {"admin": true}}}');
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('body: key "__proto__" is not accepted');
    const c = await post(`${url}/v1/score`, '{"answer": "x", "metadata": {"constructor": {"prototype": {}}}}');
    expect(c.status).toBe(400);
    const ok = await post(`${url}/v1/score`, { answer: 'obj["__proto__"] and "constructor"', metadata: { constructor: "fine" } });
    expect(ok.status).toBe(200);
  });

  it("an oversized body is refused with 413", async () => {
    const url = await start(SPEC, { bodyLimit: 2048 });
    const r = await post(`${url}/v1/score`, { answer: "x".repeat(4096) });
    expect(r.status).toBe(413);
    expect(r.json.error).toMatch(/too large/);
  });

  it("an unknown route is a 404 with a hint", async () => {
    const url = await start();
    const r = await post(`${url}/v2/score`, {});
    expect(r.status).toBe(404);
    expect(r.json.error).toMatch(/no such route/);
  });
});

describe("operations", () => {
  it("with a token, requests without it get 401 and /health stays open", async () => {
    const url = await start(SPEC, { token: "s3cret" });
    expect((await post(`${url}/v1/score`, { answer: "x" })).status).toBe(401);
    expect((await post(`${url}/v1/score`, { answer: "x" }, { authorization: "Bearer wrong!" })).status).toBe(401);
    expect((await post(`${url}/v1/score`, { answer: "x" }, { authorization: "Bearer s3cret" })).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
  });

  it("/health lists the aspects and /metrics counts requests and aspect values, penalties included", async () => {
    const url = await start({ aspects: [...SPEC.aspects, { name: "penalty", kind: "length", per: -100 }] });
    await post(`${url}/v1/score`, { answer: "42", reference: { answer: "42" } });
    await post(`${url}/v1/score`, { answer: 1 });
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toMatchObject({ status: "ok", aspects: ["correct", "long", "penalty"] });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/rewardlab_requests_total\{route="\/v1\/score",status="200"\} 1/);
    expect(text).toMatch(/rewardlab_requests_total\{route="\/v1\/score",status="400"\} 1/);
    expect(text).toMatch(/rewardlab_aspect_value_sum\{aspect="correct"\} 1/);
    expect(text).toMatch(/rewardlab_trajectories_scored_total 1/);
    expect(text).toMatch(/rewardlab_request_duration_seconds_count\{route="\/v1\/score"\} 2\n/);
    expect(text).toMatch(/rewardlab_request_duration_seconds_bucket\{route="\/v1\/score",le="\+Inf"\} 2\n/);
    expect(text).toMatch(/# TYPE rewardlab_request_duration_seconds histogram/);
    expect(text).toMatch(/rewardlab_aspect_value_sum\{aspect="penalty"\} -0.02/);
  });

  it("beyond the in-flight limit and the queue, requests get 429 with Retry-After", async () => {
    const url = await start({ aspects: [{ kind: "slow", ms: 300 }] }, { maxInFlight: 2, maxQueue: 1 });
    const replies = await Promise.all(Array.from({ length: 6 }, () => post(`${url}/v1/score`, { answer: "x" })));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const refused = replies.find((r) => r.status === 429)!;
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.json.error).toMatch(/capacity/);
  });

  it("close() finishes the requests in flight before it resolves", async () => {
    const url = await start({ aspects: [{ kind: "slow", ms: 300 }] });
    slowCalls = 0;
    const inFlight = post(`${url}/v1/score`, { answer: "x" });
    await new Promise((r) => setTimeout(r, 50));
    const closing = app!.close();
    const r = await inFlight;
    await closing;
    app = undefined;
    expect(r.status).toBe(200);
    expect(r.json.aspects.slow).toBe(0.5);
    expect(slowCalls).toBe(1);
    // And the port no longer accepts connections.
    await expect(
      new Promise((resolve, reject) => {
        const req = httpRequest(`${url}/health`, resolve);
        req.on("error", reject);
        req.end();
      }),
    ).rejects.toThrow();
  });
});
