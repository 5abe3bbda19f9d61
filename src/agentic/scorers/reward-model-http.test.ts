import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import { parseTrajectory, type TrajectoryInput } from "../trajectory.js";
import { renderPrompt, renderQuery, rewardModelScorers, type RewardModelRequest } from "./reward-model-http.js";

const definition = rewardModelScorers[0]!;

/** What the test server answers: a JSON body (or raw text), with a status and a delay. */
type Answer = { status?: number; json?: unknown; text?: string; delayMs?: number };

let app: FastifyInstance;
let url: string;
let received: RewardModelRequest[];
let inFlight: number;
let maxInFlight: number;
let answer: (body: RewardModelRequest, index: number) => Answer;

/** Reward = length of the answer part of each query (after the last newline). */
const byLength = (body: RewardModelRequest): Answer => ({ json: { rewards: body.query.map((q) => q.length - q.lastIndexOf("\n") - 1) } });

beforeEach(async () => {
  received = [];
  inFlight = 0;
  maxInFlight = 0;
  answer = byLength;
  app = Fastify({ forceCloseConnections: true });
  app.post("/get_reward", async (request, reply) => {
    const body = request.body as RewardModelRequest;
    const index = received.length;
    received.push(body);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const a = answer(body, index);
      if (a.delayMs) {
        // A client that gave up (timed out) ends the wait: close() then has nothing to wait for.
        await new Promise<void>((resolve) => {
          const socket = request.raw.socket;
          const gaveUp = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            socket.off("close", gaveUp);
            resolve();
          }, a.delayMs);
          socket.once("close", gaveUp);
        });
      }
      reply.code(a.status ?? 200);
      if (a.text !== undefined) return reply.type("text/plain").send(a.text);
      return reply.send(a.json);
    } finally {
      inFlight--;
    }
  });
  url = (await app.listen({ port: 0, host: "127.0.0.1" })) + "/get_reward";
});

afterEach(async () => {
  await app.close();
});

function scorer(options: Record<string, unknown> = {}) {
  const parsed = parseConfig(definition.options, { url, retryDelayMs: 0, ...options });
  return definition.make(parsed, "rm", { baseDir: ".", env: {} });
}

const traj = (input: TrajectoryInput) => parseTrajectory(input);
const many = (n: number) => Array.from({ length: n }, (_, i) => traj({ prompt: `q${i}`, answer: "x".repeat(i) }));

describe("reward-model requests", () => {
  it("sends OpenRLHF's {query, prompts, labels} and scores with the rewards", async () => {
    const batch = [
      traj({ prompt: "What is 6·7?", answer: "42", reference: { answer: "42" } }),
      traj({
        prompt: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
        ],
        answer: "Hello!",
      }),
      traj({ answer: "alone", reference: { answer: [1, 2] } }),
    ];
    const scores = await scorer().scoreBatch(batch);
    expect(received).toEqual([
      {
        query: ["What is 6·7?\n42", "system: Be brief.\nuser: Hi\nassistant: Hello!", "alone"],
        prompts: ["What is 6·7?", "system: Be brief.\nuser: Hi", ""],
        labels: ["42", null, [1, 2]],
      },
    ]);
    expect(scores).toEqual([
      { value: 2, reason: "reward model: 2" },
      { value: 17, reason: "reward model: 17" },
      { value: 5, reason: "reward model: 5" },
    ]);
  });

  it("splits a batch into requests of at most batchSize, keeping the order", async () => {
    const scores = await scorer({ batchSize: 4 }).scoreBatch(many(10));
    expect(received.map((b) => b.query.length).sort()).toEqual([2, 4, 4]);
    expect(scores.map((s) => s.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("keeps at most maxConcurrency requests in flight", async () => {
    const inner = answer;
    answer = (b, i) => ({ ...inner(b, i), delayMs: 30 });
    const scores = await scorer({ batchSize: 1, maxConcurrency: 2 }).scoreBatch(many(6));
    expect(scores.map((s) => s.value)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(received).toHaveLength(6);
    expect(maxInFlight).toBe(2);
  });

  it("takes the value from scores when asked and shows extra_logs in the reason", async () => {
    answer = () => ({ json: { rewards: [3, -1], scores: [1, 0], extra_logs: { acc: [1, 0], fmt: [0.5, 0.25], bad: [1] } } });
    const batch = many(2);
    expect(await scorer({ field: "scores" }).scoreBatch(batch)).toEqual([
      { value: 1, reason: "reward model: 1 (acc 1, fmt 0.5)" },
      { value: 0, reason: "reward model: 0 (acc 0, fmt 0.25)" },
    ]);
    expect((await scorer().scoreBatch(batch)).map((s) => s.value)).toEqual([3, -1]);
    answer = () => ({ json: { rewards: [0.25, 0.5] } });
    expect((await scorer({ field: "scores" }).scoreBatch(batch)).map((s) => s.value)).toEqual([0.25, 0.5]);
  });
});

describe("reward-model failures", () => {
  it("gives null values naming the problem when the response has the wrong length", async () => {
    answer = () => ({ json: { rewards: [1, 2] } });
    const scores = await scorer().scoreBatch(many(3));
    expect(scores).toEqual(new Array(3).fill({ value: null, status: "failed", reason: "reward model returned 2 rewards for 3 queries" }));
  });

  it("gives null to an entry that is not a number and keeps the others", async () => {
    answer = () => ({ json: { rewards: [0.5, "high", null] } });
    expect(await scorer().scoreBatch(many(3))).toEqual([
      { value: 0.5, reason: "reward model: 0.5" },
      { value: null, status: "failed", reason: `reward model's rewards[1] is "high", not a number` },
      { value: null, status: "failed", reason: "reward model's rewards[2] is null, not a number" },
    ]);
  });

  it("names a response that is not JSON or has no rewards list", async () => {
    answer = () => ({ text: "<html>oops</html>" });
    expect((await scorer().scoreBatch(many(1)))[0]).toEqual({ value: null, status: "failed", reason: "reward model response is not JSON: <html>oops</html>" });
    answer = () => ({ json: { reward: [1] } });
    expect((await scorer().scoreBatch(many(1)))[0]).toEqual({ value: null, status: "failed", reason: 'reward model response has no "rewards" list' });
    answer = () => ({ json: [1] });
    expect((await scorer().scoreBatch(many(1)))[0]).toEqual({ value: null, status: "failed", reason: 'reward model response is a list of 1, not an object with a "rewards" list' });
  });

  it("retries server errors and scores the answer that follows", async () => {
    answer = (b, i) => (i < 2 ? { status: 503, json: { error: "warming up" } } : byLength(b));
    const scores = await scorer({ retries: 3 }).scoreBatch(many(2));
    expect(scores.map((s) => s.value)).toEqual([0, 1]);
    expect(received).toHaveLength(3);
  });

  it("gives null after the last retry, with the status and the body", async () => {
    answer = () => ({ status: 500, json: { error: "model crashed" } });
    const scores = await scorer({ retries: 2 }).scoreBatch(many(2));
    expect(received).toHaveLength(3);
    expect(scores).toEqual(new Array(2).fill({ value: null, status: "failed", reason: 'reward model request failed after 3 tries: HTTP 500: {"error":"model crashed"}' }));
  });

  it("waits retryDelayMs between tries", async () => {
    answer = () => ({ status: 500, json: {} });
    const started = Date.now();
    await scorer({ retries: 2, retryDelayMs: 100 }).scoreBatch(many(1));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("does not retry a request the server rejects", async () => {
    answer = () => ({ status: 422, json: { detail: "labels missing" } });
    const [s] = await scorer().scoreBatch(many(1));
    expect(received).toHaveLength(1);
    expect(s).toEqual({ value: null, status: "failed", reason: 'reward model rejected the request (HTTP 422: {"detail":"labels missing"})' });
  });

  it("gives null when the server takes longer than the timeout", async () => {
    answer = (b, i) => ({ ...byLength(b), delayMs: 1000 + i });
    const started = Date.now();
    const [s] = await scorer({ timeoutMs: 80, retries: 1 }).scoreBatch(many(1));
    expect(s).toEqual({ value: null, status: "failed", reason: "reward model request failed after 2 tries: timed out after 80 ms" });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("gives null when nothing listens at the url", async () => {
    await app.close();
    const [s] = await scorer({ retries: 0 }).scoreBatch(many(1));
    expect(s!.value).toBeNull();
    expect(s!.reason).toMatch(/^reward model request failed after 1 try: .*ECONNREFUSED/);
  });
});

describe("reward-model rendering and options", () => {
  it("renders tool calls and tool results in the transcript", () => {
    const t = traj({
      prompt: [
        { role: "user", content: "6·7?" },
        { role: "assistant", content: "", toolCalls: [{ name: "calc", arguments: { expr: "6*7" } }] },
        { role: "tool", content: "42", toolCallId: "c1" },
      ],
      answer: "42",
    });
    expect(renderPrompt(t.prompt)).toBe('user: 6·7?\nassistant: \n[tool call] calc {"expr":"6*7"}\ntool (c1): 42');
    expect(renderQuery(t)).toBe('user: 6·7?\nassistant: \n[tool call] calc {"expr":"6*7"}\ntool (c1): 42\nassistant: 42');
  });

  it("fills in defaults", () => {
    expect(parseConfig(definition.options, { url: "http://127.0.0.1:5000/get_reward" })).toEqual({
      url: "http://127.0.0.1:5000/get_reward",
      batchSize: 32,
      field: "rewards",
      timeoutMs: 180_000,
      retries: 3,
      retryDelayMs: 1000,
      maxConcurrency: 4,
    });
  });

  it("rejects bad options with a UserError naming the option", () => {
    const message = (o: unknown) => {
      try {
        parseConfig(definition.options, o, "scorers[1]");
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      return "no error";
    };
    expect(message({})).toMatch(/^scorers\[1\]\.url: missing/);
    expect(message({ url: "ftp://rm/get_reward" })).toBe('scorers[1].url: expected an http:// or https:// URL, got "ftp://rm/get_reward"');
    expect(message({ url, batchSize: 0 })).toBe("scorers[1].batchSize: expected an integer ≥ 1, got 0");
    expect(message({ url, field: "score" })).toMatch(/^scorers\[1\]\.field: expected one of "rewards", "scores"/);
  });
});
