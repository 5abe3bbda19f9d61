/**
 * The language-model designer against a real HTTP server speaking the
 * chat-completions protocol, whose replies are scripted by what each
 * request asks: good specs, a reply without a spec, a spec the critic
 * rejects (repaired in the same conversation), a hostile one, and a call
 * that fails. Then the same design replayed from the cassette it recorded,
 * with no server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { openAIChat, recordChat, replayChat } from "../providers/chat.js";
import { RunConfig } from "../runs/config.js";
import { startOpenAIStub } from "../test-utils/openai-stub.js";
import { script } from "../test-utils/design-script.js";
import { analyzeOutcomes } from "./analyzer.js";
import { llmDesigner, templateOf } from "./llm.js";
import { designRewards } from "./loop.js";
import { loadPrompts } from "./prompts.js";
import { specFromReply } from "./reply.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-llm-design-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = RunConfig.parse({ env: { id: "DoorKey-5x5" }, numEnvs: 4, learner: { algo: "ppo", numSteps: 32 }, steps: 1024, evaluation: { episodes: 8 } });
describe("the language-model designer", () => {
  test("a design against a scripted model: bad replies are per-candidate errors, critic errors are repaired, reflection carries each term's return and the failed episodes; replayed exactly from its cassette", async () => {
    const stub = await startOpenAIStub(script);
    const cassette = join(dir, "design.jsonl");
    const options = { iterations: 2, seeds: [1], checkSteps: 50, seed: 0, finalists: 0 };
    let live;
    let designer;
    try {
      const model = recordChat(openAIChat({ baseURL: stub.baseURL, model: "scripted", maxRetries: 0 }), cassette);
      designer = llmDesigner(model, config, loadPrompts(), { samples: 4, task: "open the door and reach the goal" });
      live = await designRewards(config, designer, options);
      expect(model.usage.calls).toBe(stub.requests.length - 1); // the failed call is not a completed one
    } finally {
      await stub.close();
    }
    const [good, repaired, hostile, none, ...next] = live.candidates;
    expect(good).toMatchObject({ id: "i0-0", origin: "model", verdict: { ok: true } });
    expect(good.spec).toEqual({ terms: [{ name: "task", kind: "task", role: "primary" }, { name: "door", kind: "potential", phi: "0.5 * carrying.key + 0.5 * door.open", gamma: 0.99, weight: 0.5 }] });
    // The critic's error went back to the model in the same conversation, and its repair was trained.
    expect(repaired.verdict.ok).toBe(true);
    expect(repaired.attempts).toHaveLength(1);
    expect(repaired.attempts![0].errors[0]).toMatch(/terms\[1\]\.expr.*agent\.speed/);
    const repairCall = designer.calls.find((c) => c.stage === "repair")!;
    expect(repairCall.messages.at(-1)!.content).toContain(repaired.attempts![0].errors[0]);
    expect(repairCall.messages.at(-2)).toMatchObject({ role: "assistant" });
    // Hostile and empty replies: one-line errors for that candidate; it was repaired too, but the critic judged the repair.
    expect(hostile.attempts![0].errors[0]).toBe('terms[1].kind: expected one of event, expression, potential, got "code" (the task\'s reward is added for you)');
    expect(none.attempts![0].errors[0]).toBe("reply: expected the spec (terms: [...]) in a ```yaml block; found none");
    for (const c of live.candidates) for (const e of [...c.verdict.errors, ...(c.attempts ?? []).flatMap((a) => a.errors)]) expect(e).not.toContain("\n");
    // Iteration 1 reflects on the best of iteration 0, with its numbers and the analyzer's account of failed episodes.
    expect(next).toHaveLength(4);
    const best0 = [good, repaired, hostile, none].filter((c) => c.score !== undefined).sort((a, b) => b.score! - a.score!)[0];
    const reflect = designer.calls.find((c) => c.stage === "reflect")!;
    const feedback = reflect.messages.at(-1)!.content;
    expect(feedback).toContain(`Score (mean task return on held-out episodes, the number to raise): ${Number(best0.score!.toPrecision(4))}`);
    expect(feedback).toContain(analyzeOutcomes(best0.stats!.outcomes));
    for (const term of Object.keys(best0.stats!.termReturns)) expect(feedback).toContain(`- ${term}: `);
    expect(next.every((c) => c.parents[0] === best0.id)).toBe(true);
    // In iteration 1 a reply with no spec is repaired; a failed call has nothing to repair and is rejected; the loop went on.
    expect(next[2].attempts![0].errors[0]).toMatch(/^reply: expected the spec/);
    expect(next[2].verdict.ok).toBe(true);
    expect(next[3].verdict.ok).toBe(false);
    expect(next[3].attempts).toBeUndefined();
    expect(next[3].verdict.errors[0]).toMatch(/^model: .*the model fell over/);
    expect(live.best.score).toBe(Math.max(...live.candidates.filter((c) => c.score !== undefined).map((c) => c.score!)));
    expect(live.rejected.critic).toBe(live.candidates.filter((c) => !c.verdict.ok).length);

    // The cassette replays the design exactly, with no server.
    const replayed = replayChat(cassette);
    const again = await designRewards(config, llmDesigner(replayed, config, loadPrompts(), { samples: 4, task: "open the door and reach the goal" }), options);
    expect(again.candidates).toEqual(live.candidates);
    expect(replayed.usage).toEqual({ calls: live.candidates.length + designer.calls.filter((c) => c.stage === "repair").length - 1, prompt: expect.any(Number), completion: expect.any(Number) });
  }, 120_000);

  test("a replay that misses a recorded exchange stops the design with one line naming the cassette", async () => {
    const empty = join(dir, "empty.jsonl");
    (await import("node:fs")).writeFileSync(empty, "");
    const designer = llmDesigner(replayChat(empty), config, loadPrompts(), { samples: 1, task: "t" });
    await expect(designRewards(config, designer, { iterations: 1, seeds: [1], checkSteps: 10, seed: 0 })).rejects.toThrow(/^--replay: .*empty\.jsonl has no recorded reply to the request [0-9a-f]{32}/);
  });
});

describe("sandboxed code terms from a model", () => {
  test("with code allowed, a model's function runs sandboxed: a good one trains, an endless loop is caught by the critic and repaired, one that fails mid-training is that candidate's error; the loop goes on", async () => {
    const code = (body: string) => `\`\`\`yaml\nterms:\n  - name: f\n    kind: sandboxed\n    code: '${body}'\n    timeoutMs: 50\n\`\`\``;
    const stub = await startOpenAIStub((r) => {
      const last = r.messages.at(-1)!.content;
      if (last.includes("was rejected before training")) return code('(t) => 0.1 * (t.prev("goal.distance") - t.next("goal.distance"))');
      if (last.includes("candidate 1 of 3")) return code('(t) => (t.event("pickup:key") ? 0.2 : 0)');
      if (last.includes("candidate 2 of 3")) return code("(t) => { for (;;) {} }");
      // Fails once an episode passes step 100: after the critic's short check, during training.
      return code('(t) => { if (t.next("t") > 100) throw new Error("too slow"); return 0; }');
    });
    let designer;
    let result;
    try {
      designer = llmDesigner(openAIChat({ baseURL: stub.baseURL, model: "scripted", maxRetries: 0 }), config, loadPrompts(), { samples: 3, task: "t", limits: { allowCode: true } });
      result = await designRewards(config, designer, { iterations: 1, seeds: [1], checkSteps: 20, seed: 0, finalists: 0 });
    } finally {
      await stub.close();
    }
    expect(designer.calls[0].messages[0].content).toContain("kind: sandboxed");
    const [good, looping, slow] = result.candidates;
    expect(good.verdict.ok).toBe(true);
    expect(good.stats!.termReturns.f).toBeGreaterThanOrEqual(0);
    expect(looping.attempts![0].errors).toHaveLength(1);
    expect(looping.attempts![0].errors[0]).toMatch(/^failed: reward\.terms\[1\]\.code: the sandboxed function failed: stopped: it ran past its time limit of 50 ms on DoorKey-5x5/);
    expect(looping.verdict.ok).toBe(true);
    expect(slow.verdict.ok).toBe(false);
    expect(slow.verdict.errors[0]).toMatch(/^training: reward\.terms\[1\]\.code: the sandboxed function failed: Error: too slow \(term\.js:1:\d+\)$/);
    expect(result.rejected).toEqual({ critic: 0, prescreen: 0, training: 1 });
    expect(result.best.id).not.toBe(slow.id);
    // Without --allow-code a model may not write one.
    expect(specFromReply(code("(t) => 0"), { maxChars: 10_000, maxTerms: 3 }).error).toBe('terms[1].kind: expected one of event, expression, potential, got "sandboxed" (the task\'s reward is added for you)');
  }, 60_000);
});

describe("parameter mode", () => {
  test("the model only weighs the template's auxiliary terms; a bad weight is repaired; reflection shows the best weights", async () => {
    const template = templateOf({ terms: [{ name: "goal", kind: "task" }, { name: "closer", kind: "expression", expr: "-0.1 * goal.distance" }, { kind: "event", event: "bump", weight: -0.01 }] }, { id: "LavaGapS5" });
    expect(template.names).toEqual(["goal", "closer", "bump"]);
    expect(template.free).toEqual([false, true, true]);
    const lava = RunConfig.parse({ env: { id: "LavaGapS5" }, numEnvs: 4, learner: { algo: "ppo", numSteps: 32 }, steps: 1024, evaluation: { episodes: 8 } });
    const stub = await startOpenAIStub((r) => {
      const last = r.messages.at(-1)!.content;
      if (last.includes("was rejected before training")) return "```yaml\nweights: {closer: -0.5}\n```";
      if (last.includes("We trained a policy")) return "```yaml\nweights: {closer: 0.2, bump: 0}\n```";
      if (last.includes("candidate 1 of 2")) return "Distance is misleading near lava.\n```yaml\nweights: {closer: 0}\n```";
      return "```yaml\nweights: {closer: 1, goal: 3}\n```";
    });
    let designer;
    let result;
    try {
      designer = llmDesigner(openAIChat({ baseURL: stub.baseURL, model: "scripted", maxRetries: 0 }), lava, loadPrompts(), { samples: 2, task: "reach the goal without touching lava", template });
      result = await designRewards(lava, designer, { iterations: 2, seeds: [1], checkSteps: 20, seed: 0 , finalists: 0 });
    } finally {
      await stub.close();
    }
    const intro = designer.calls[0].messages[1].content;
    expect(intro).toContain("- closer: pays -0.1 * goal.distance every step (weight now 1)");
    expect(intro).toContain("- goal: a task term (the task's reward, weight 1)");
    const [off, repaired, ...next] = result.candidates;
    expect(off).toMatchObject({ origin: "parameters", verdict: { ok: true } });
    expect((off.spec as { terms: { weight?: number }[] }).terms.map((t) => t.weight)).toEqual([undefined, 0, -0.01]);
    expect(repaired.attempts![0].errors).toEqual(["weights.goal: the task's reward keeps its weight; the terms to weigh are closer, bump"]);
    expect((repaired.spec as { terms: { weight?: number }[] }).terms[1].weight).toBe(-0.5);
    const reflect = designer.calls.find((c) => c.stage === "reflect")!;
    const best = [off, repaired].sort((a, b) => b.score! - a.score! || 0)[0];
    expect(reflect.messages[2].content).toBe("```yaml\nweights:\n  closer: " + (best === off ? 0 : -0.5) + "\n  bump: -0.01\n```");
    expect(next.map((c) => (c.spec as { terms: { weight?: number }[] }).terms.map((t) => t.weight))).toEqual([
      [undefined, 0.2, 0],
      [undefined, 0.2, 0],
    ]);
    expect(() => templateOf({ terms: [{ kind: "task" }] }, { id: "LavaGapS5" })).toThrow("--parameters: expected a spec with auxiliary terms to weigh; it has only primary ones");
  }, 60_000);
});

describe("reading a reply", () => {
  const limits = { maxChars: 2000, maxTerms: 3 };
  test("the last yaml block is the spec, the task's reward added as the one primary term", () => {
    const r = specFromReply("First try:\n```yaml\nterms: []\n```\nBetter:\n```yml\nterms:\n  - {name: a, kind: event, event: bump, weight: -0.1}\n```", limits);
    expect(r.spec).toEqual({ terms: [{ name: "task", kind: "task", role: "primary" }, { name: "a", kind: "event", event: "bump", weight: -0.1 }] });
  });
  test.each([
    ["x".repeat(2001), "reply: 2001 characters, more than the 2000 a reply may have"],
    ["```yaml\nterms: [\n```", "reply: the yaml block does not parse: "],
    ["```yaml\n- 1\n```", "reply: expected a mapping with terms"],
    ["```yaml\nterms: []\ndefine: {a: 1}\n```", 'reply: unexpected key "define"; expected only terms'],
    ["```yaml\nterms: []\n```", "terms: expected a non-empty list of terms"],
    ["```yaml\nterms: [{kind: event}, {kind: event}, {kind: event}, {kind: event}]\n```", "terms: 4 terms, more than the 3 allowed"],
    ["```yaml\nterms: [3]\n```", "terms[1]: expected a term (a mapping)"],
    ["```yaml\nterms: [{kind: task}]\n```", 'terms[1].kind: expected one of event, expression, potential, got "task"'],
    ["```yaml\nterms: [{kind: event, event: bump, role: primary}]\n```", "terms[1].role: designed terms are auxiliary"],
    ["```yaml\na: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nterms: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n```", "reply: the yaml block does not parse: "],
  ])("a bad reply is one line naming where: %#", (reply, expected) => {
    const r = specFromReply(reply, limits);
    expect(r.spec).toBeUndefined();
    expect(r.error!.startsWith(expected)).toBe(true);
    expect(r.error).not.toContain("\n");
  });
});
