/**
 * The payloads OpenRLHF, verl and TRL really send (fixtures/clients/, made
 * by running each client's own code at the commit its README names),
 * replayed at the server over HTTP: every reward must equal what scoring
 * the clean response in-process gives, aspect by aspect.
 */
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromTrl, fromVerlScore } from "../agentic/import.js";
import { loadAgenticSpec, loadPipeline } from "../agentic/load.js";
import { RewardPipeline, type ScoreResult } from "../agentic/pipeline.js";
import type { Trajectory } from "../agentic/trajectory.js";
import { buildServer } from "./app.js";

const root = new URL("../../", import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`fixtures/clients/${name}`, root), "utf8"));
// The math example: correctness, the <think>/<answer> format, DAPO's overlong penalty, repetition.
const SPEC = new URL("examples/agentic/math.yaml", root).pathname;

/** A fixture's tagged numpy value as the JSON a Python client's encoder writes (np.int32 → 3, ndarray → list). */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  if (typeof o.__numpy__ === "string") return plain(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
}

let app: FastifyInstance;
let url: string;
// verl decodes without special tokens: a DeepSeek-R1 response arrives without the <think> its prompt opened,
// and only the spec's `template: deepseek` can say so (OpenRLHF's rendered text says it itself).
let deepseekApp: FastifyInstance;
let deepseekUrl: string;
// The expected rewards come from the clean responses with no template at all: independent of the markers' removal.
const pipeline = new RewardPipeline({ ...loadAgenticSpec(SPEC), template: "none" }, { baseDir: ".", env: {} });
beforeAll(async () => {
  app = buildServer(loadPipeline(SPEC));
  url = await app.listen({ host: "127.0.0.1", port: 0 });
  deepseekApp = buildServer(new RewardPipeline({ ...loadAgenticSpec(SPEC), template: "deepseek" }, { baseDir: ".", env: {} }));
  deepseekUrl = await deepseekApp.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await app.close();
  await deepseekApp.close();
  await pipeline.close();
});

async function post(route: string, body: unknown, family?: string): Promise<any> {
  const r = await fetch(`${family === "deepseek" ? deepseekUrl : url}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await r.json();
  expect(r.status, JSON.stringify(json)).toBe(200);
  return json;
}

/** In-process results for clean trajectories. */
async function clean(batch: Trajectory[]): Promise<ScoreResult[]> {
  return RewardPipeline.results(await pipeline.score(batch));
}

const cleanVerl = (response: string, label: unknown) => fromVerlScore({ solution_str: response, ground_truth: label });

/** The server's OpenRLHF reply for item i equals the clean result: reward and every aspect. */
function expectOpenRlhf(reply: any, i: number, expected: ScoreResult, id: string): void {
  expect(reply.rewards[i], id).toBeCloseTo(expected.reward!, 12);
  for (const [name, value] of Object.entries(expected.aspects)) expect(reply.extra_logs[name][i], `${id} ${name}`).toBeCloseTo(value ?? 0, 12);
}

describe("OpenRLHF", () => {
  it("v0.11.0's single-turn executor: every query (markers and end tokens included) scores as its clean response", async () => {
    const f = fixture("openrlhf_single_turn.json");
    let compared = 0;
    for (const c of f.cases) {
      const [expected] = await clean([cleanVerl(c.sample.clean_response, c.sample.label)]);
      for (const request of c.requests) {
        const reply = await post("/get_reward", request.json);
        if (request.json.query.length === 0) {
          // The extra endpoints of a comma-separated URL list get empty lists.
          expect(reply.rewards).toEqual([]);
          continue;
        }
        expectOpenRlhf(reply, 0, expected!, c.id);
        compared++;
      }
    }
    expect(compared).toBe(f.cases.length);
  });

  it("v0.9.0's batch client: a rollout batch split over servers", async () => {
    const f = fixture("openrlhf_batch_v0.9.0.json");
    const expected = await clean(f.samples.map((s: any) => cleanVerl(s.clean_response, s.label)));
    for (const c of f.cases) {
      let k = 0;
      for (const request of c.requests) {
        const reply = await post("/get_reward", request.json);
        for (let i = 0; i < request.json.query.length; i++) expectOpenRlhf(reply, i, expected[k++]!, `${c.id} sample ${k}`);
      }
      expect(k).toBe(f.samples.length);
    }
  });

  it("a multi-turn agent's whole decoded sequence scores as its final answer", async () => {
    const f = fixture("openrlhf_multi_turn_agent.json");
    for (const c of f.cases) {
      const [expected] = await clean([cleanVerl(c.sample.clean_response, c.sample.label)]);
      const reply = await post("/get_reward", { query: [c.final_sequence_decoded], prompts: [c.sample.prompt_text], labels: [c.sample.label] });
      expectOpenRlhf(reply, 0, expected!, c.id);
    }
  });
});

describe("verl", () => {
  /** compute_score's reply equals the clean result: `score` and every aspect (null aspects sent as 0). */
  const expectVerl = (reply: any, expected: ScoreResult, id: string) => {
    expect(reply.score, id).toBeCloseTo(expected.reward!, 12);
    for (const [name, value] of Object.entries(expected.aspects)) expect(reply[name], `${id} ${name}`).toBeCloseTo(value ?? 0, 12);
  };

  it("the naive reward manager's compute_score arguments (numpy extra_info), one rollout at a time", async () => {
    const f = fixture("verl_naive.json");
    for (const c of f.cases) {
      const [expected] = await clean([cleanVerl(c.sample.clean_response, c.sample.label)]);
      for (const kwargs of c.batch_of_two_rollouts.kwargs) expectVerl(await post("/compute_score", plain(kwargs), c.sample.family), expected!, c.id);
    }
  });

  it("the reward loop's naive manager (np.str_ data_source, np.int64 num_turns, raw_prompt)", async () => {
    const f = fixture("verl_reward_loop_naive.json");
    for (const c of f.cases) {
      const [expected] = await clean([cleanVerl(c.sample.clean_response, c.sample.label)]);
      expectVerl(await post("/compute_score", plain(c.call.kwargs), c.sample.family), expected!, c.id);
    }
  });

  it("the batch reward manager's lists and numpy object arrays", async () => {
    const f = fixture("verl_batch.json");
    for (const c of f.cases) {
      const [expected] = await clean([cleanVerl(c.sample.clean_response, c.sample.label)]);
      const reply = await post("/compute_score", plain(c.batch_of_two_rollouts.kwargs), c.sample.family);
      expect(reply).toHaveLength(2);
      for (const r of reply) expectVerl(r, expected!, c.id);
    }
  });
});

describe("TRL", () => {
  it("GRPOTrainer's reward-function kwargs: plain, conversational, content parts, tool calls and results", async () => {
    const f = fixture("trl_grpo.json");
    let compared = 0;
    for (const c of f.cases) {
      const { trainer_state: _s, log_extra: _e, log_metric: _m, ...kwargs } = c.reward_kwargs;
      const reply = await post("/v1/trl", kwargs);
      const n = kwargs.completions.length;
      const columns = Object.keys(kwargs).filter((k) => !["prompts", "completions", "completion_ids"].includes(k));
      const batch = c.clean_final_responses.map((response: string, i: number) =>
        fromTrl(kwargs.prompts[i], response, Object.fromEntries(columns.map((k) => [k, kwargs[k][i]]))),
      );
      const expected = await clean(batch);
      expect(reply.rewards, c.id).toHaveLength(n);
      for (let i = 0; i < n; i++) {
        if (expected[i]!.reward === null) expect(reply.rewards[i], `${c.id} ${i}`).toBeNull();
        else expect(reply.rewards[i], `${c.id} ${i}`).toBeCloseTo(expected[i]!.reward!, 12);
        compared++;
      }
    }
    expect(compared).toBe(17);
  });
});
