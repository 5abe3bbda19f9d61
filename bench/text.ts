/**
 * `rewardlab bench text`: text-world steps per second without a model, the
 * observation rendered in words and the reply parsed on every step (target
 * ≥ 100,000 per core), and the sandboxed term's cost per vector step
 * beside the same function as a code term.
 */
import { gridTextEnv } from "../src/agentic/worlds/grid-text.js";
import { rollout } from "../src/agentic/worlds/runner.js";
import { chatModel, openAIChat } from "../src/providers/chat.js";
import { startOpenAIStub } from "../src/test-utils/openai-stub.js";
import { makeVector } from "../src/envs/registry.js";
import { RewardedVector } from "../src/rewards/rewarded.js";
import type { Transition } from "../src/rewards/batch.js";
import { measureRate, type Figure } from "./harness.js";

const REPLIES = ["Action: left", "I will walk.\nAction: forward", "Action: right", "forward", "Action: forward", "Action: toggle", "Action: pickup"];

function textSteps(id: string, seconds: number): number {
  const env = gridTextEnv(id, { reward: { terms: [{ kind: "task" }, { kind: "event", event: "pickup:key", weight: 0.1 }] } });
  let seed = 0;
  let k = 0;
  env.reset(seed);
  return measureRate(
    (iterations) => {
      for (let it = 0; it < iterations; it++) {
        const s = env.step(REPLIES[k++ % REPLIES.length]);
        if (s.terminated || s.truncated) env.reset(++seed);
      }
    },
    1,
    seconds,
  );
}

const CODE = '(t) => (t.event("pickup:key") ? 1 : 0) + 0.1 * (t.prev("goal.distance") - t.next("goal.distance"))';
const fn = (t: Transition) => (t.event("pickup:key") ? 1 : 0) + 0.1 * (t.prev("goal.distance") - t.next("goal.distance"));

function rewardSteps(term: object, seconds: number): number {
  const rv = new RewardedVector(makeVector("DoorKey-5x5", 8), { terms: [{ kind: "task" }, { name: "x", ...term }] });
  const actions = new Int32Array(8).fill(2);
  rv.reset(0);
  return measureRate(
    (iterations) => {
      for (let it = 0; it < iterations; it++) rv.step(actions);
    },
    8,
    seconds,
  );
}

/** Turns per second of the rollout runner over `model` (DoorKey-5x5, 8 episodes at once, 50 turns each). */
async function runnerTurns(model: ReturnType<typeof chatModel>, seconds: number): Promise<number> {
  let turns = 0;
  const t0 = performance.now();
  for (let seed = 0; performance.now() - t0 < seconds * 1000; seed += 64) {
    const ts = await rollout(model, () => gridTextEnv("DoorKey-5x5"), { episodes: 64, seed, maxTurns: 50, concurrency: 8 });
    for (const t of ts) turns += (t.metadata as { turns: number }).turns;
  }
  return turns / ((performance.now() - t0) / 1000);
}

/** The runner's own cost per turn (a model that answers at once, in-process), and a call to a chat-completions server on loopback. */
export async function* runnerSuite(seconds: number): AsyncGenerator<Figure> {
  const instant = chatModel("instant", async () => ({ text: "Action: forward", tokens: { prompt: 0, completion: 0 } }));
  const own = await runnerTurns(instant, seconds);
  yield { suite: "text", name: "runner/turns-per-second (instant model)", value: own, unit: "turns/s" };
  yield { suite: "text", name: "runner/overhead-per-turn", value: 1e6 / own, unit: "µs" };
  const stub = await startOpenAIStub(() => "Action: forward");
  try {
    const http = await runnerTurns(openAIChat({ baseURL: stub.baseURL, model: "stub", maxRetries: 0, maxConcurrency: 8 }), seconds);
    yield { suite: "text", name: "runner/turns-per-second (loopback server)", value: http, unit: "turns/s" };
    yield { suite: "text", name: "runner/per-call (loopback server)", value: 1e6 / http - 1e6 / own, unit: "µs" };
  } finally {
    await stub.close();
  }
}

export function* textSuite(seconds: number): Generator<Figure> {
  for (const id of ["DoorKey-5x5", "DoorKey-16x16", "MultiRoom-N4-S5"]) yield { suite: "text", name: `${id.toLowerCase()}/render+parse`, value: textSteps(id, seconds), unit: "steps/s" };
  yield { suite: "text", name: "doorkey-5x5/vector8/code-term", value: rewardSteps({ kind: "code", fn, trusted: true }, seconds), unit: "steps/s" };
  yield { suite: "text", name: "doorkey-5x5/vector8/sandboxed-term", value: rewardSteps({ kind: "sandboxed", code: CODE }, seconds), unit: "steps/s" };
}
