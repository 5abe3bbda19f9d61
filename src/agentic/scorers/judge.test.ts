import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import { isLocalURL } from "../../providers/openai.js";
import { startOpenAIStub, type OpenAIStub, type StubScript } from "../../test-utils/openai-stub.js";
import { parseTrajectory, type TrajectoryInput } from "../trajectory.js";
import { convertScore, judgeScorers, parseJudgeChoice, parseJudgeScore, type JudgeScorer } from "./judge.js";

const definition = judgeScorers[0]!;
let stub: OpenAIStub;
let dir: string;
const open: JudgeScorer[] = [];

beforeEach(async () => {
  stub = await startOpenAIStub(() => "Fine.\nSCORE: 5");
  dir = mkdtempSync(join(tmpdir(), "judge-test-"));
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function judge(options: Record<string, unknown> = {}, env: Record<string, string | undefined> = {}): JudgeScorer {
  const parsed = parseConfig(definition.options, { model: "judge-1", baseURL: stub.baseURL, ...options });
  const scorer = definition.make(parsed, "judge", { baseDir: dir, env }) as JudgeScorer;
  open.push(scorer);
  return scorer;
}

function traj(input: TrajectoryInput) {
  return parseTrajectory(input);
}

function script(f: StubScript) {
  stub.script = f;
}

const sixSeven = traj({ prompt: "What is 6·7?", answer: "42", reference: { answer: "42" } });

describe("judge scores", () => {
  it("takes the last SCORE line and maps it from the scale to 0..1", async () => {
    script(() => "At first SCORE: 2 seemed right.\nSCORE: 3\nOn reflection:\n**SCORE:** 8");
    const [s] = await judge().scoreBatch([sixSeven]);
    expect(s!.value).toBeCloseTo(0.8);
    expect(s!.reason).toMatch(/^judge scored 8 \(0–10\): At first SCORE: 2 seemed right/);
  });

  it("maps a score on a custom scale and reads a lone number on the last line", async () => {
    script(() => "Mostly right.\n4");
    const [s] = await judge({ scale: { min: 1, max: 5 } }).scoreBatch([sixSeven]);
    expect(s!.value).toBeCloseTo(0.75);
    expect(stub.requests[0]!.messages[0]!.content).toContain("from 1 (worst) to 5 (best)");
  });

  it("sends the rubric, the prompt, the reference and the answer, at temperature 0", async () => {
    await judge({ rubric: "Only the number counts." }).scoreBatch([sixSeven]);
    const req = stub.requests[0]!;
    expect(req.model).toBe("judge-1");
    expect(req.body.temperature).toBe(0);
    expect(req.messages).toHaveLength(1);
    const content = req.messages[0]!.content;
    expect(content).toContain("Only the number counts.");
    expect(content).toContain("<prompt>\nWhat is 6·7?\n</prompt>");
    expect(content).toContain("<reference>\n42\n</reference>");
    expect(content).toContain("<answer>\n42\n</answer>");
    expect(content.trimEnd().endsWith("where <n> is a number from 0 (worst) to 10 (best).")).toBe(true);
  });

  it("renders a message-list prompt as a role-tagged transcript and a list reference as alternatives", async () => {
    const t = traj({
      prompt: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Six times seven?" },
      ],
      answer: "42",
      reference: { answer: ["42", "forty-two"] },
    });
    await judge().scoreBatch([t]);
    const content = stub.requests[0]!.messages[0]!.content;
    expect(content).toContain("<prompt>\nsystem: Be brief.\nuser: Six times seven?\n</prompt>");
    expect(content).toContain("<reference>\n42 or forty-two\n</reference>");
  });

  it("fills a custom template in one pass, leaving placeholder-like text in the answer alone", async () => {
    const t = traj({ prompt: "Say hi", answer: "{{rubric}}", turns: [{ role: "assistant", content: "thinking", toolCalls: [{ name: "greet", arguments: { to: "you" } }] }] });
    await judge({ template: "Q: {{prompt}} | A: {{ answer }} | R: {{rubric}} | T: {{turns}} | ref: {{reference}}", rubric: "polite?" }).scoreBatch([t]);
    expect(stub.requests[0]!.messages[0]!.content).toBe('Q: Say hi | A: {{rubric}} | R: polite? | T: assistant: thinking\n[tool call] greet {"to":"you"} | ref: (none given)');
  });

  it("scores a choice with CHOICE lines or a lone label on the last line", async () => {
    script((r) => (r.messages[0]!.content.includes("Paris") ? "It is wrong.\nCHOICE: **B**" : "It is right.\nA"));
    const scorer = judge({ choices: { A: 1, B: 0 }, rubric: "A: correct. B: incorrect." });
    const [right, wrong] = await scorer.scoreBatch([sixSeven, traj({ prompt: "Capital of Spain?", answer: "Paris" })]);
    expect(right).toEqual({ value: 1, reason: "judge chose A: It is right." });
    expect(wrong).toEqual({ value: 0, reason: "judge chose B: It is wrong." });
    expect(stub.requests[0]!.messages[0]!.content).toContain("CHOICE: <label>\nwhere <label> is one of: A, B.");
  });
});

describe("judge parsing", () => {
  it("reads scores only from a SCORE line or a lone last-line number, and only within the scale", () => {
    expect(parseJudgeScore("good\nSCORE: 7/10.", 0, 10)).toBe(7);
    expect(parseJudgeScore("score = 2.5", 0, 10)).toBe(2.5);
    expect(parseJudgeScore("SCORE: 9\nthat is all\n", 0, 10)).toBe(9);
    expect(parseJudgeScore("I give it 7 out of 10", 0, 10)).toBeUndefined();
    expect(parseJudgeScore("SCORE: 11", 0, 10)).toBeUndefined();
    expect(parseJudgeScore("-1", 0, 10)).toBeUndefined();
    expect(parseJudgeScore("", 0, 10)).toBeUndefined();
  });

  it("reads choices case-insensitively only when one label matches", () => {
    expect(parseJudgeChoice("CHOICE: (b)", ["A", "B"])).toBe("B");
    expect(parseJudgeChoice("choice: C", ["A", "B"])).toBeUndefined();
    expect(parseJudgeChoice("a", ["a", "A"])).toBe("a");
    expect(parseJudgeChoice("neither really", ["A", "B"])).toBeUndefined();
  });
});

describe("judge retries", () => {
  it("re-asks after an unparsable reply and scores the answer it then gives", async () => {
    script((r) => (r.messages.length === 1 ? "It looks fine to me." : "SCORE: 9"));
    const [s] = await judge().scoreBatch([sixSeven]);
    expect(s!.value).toBeCloseTo(0.9);
    expect(stub.requests).toHaveLength(2);
    const second = stub.requests[1]!.messages;
    expect(second.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(second[1]!.content).toBe("It looks fine to me.");
    expect(second[2]!.content).toContain('"SCORE: <n>"');
  });

  it("gives null with the start of the last reply once the re-asks run out", async () => {
    script(() => "SCORE: 11 because it is that good, beyond the scale, and then some more words to make it long");
    const [s] = await judge({ retries: 1 }).scoreBatch([sixSeven]);
    expect(s!.value).toBeNull();
    expect(s!.reason).toBe("judge gave no parsable score: SCORE: 11 because it is that good, beyond the scale, and then some more words to");
    expect(stub.requests).toHaveLength(2);
  });

  it("ends server errors in null with a reason after the SDK's own retries, without throwing", async () => {
    script(() => ({ status: 500, error: "the judge fell over" }));
    const scores = await judge({ maxRetries: 2 }).scoreBatch([sixSeven]);
    expect(scores).toEqual([{ value: null, status: "failed", reason: "judge request failed (HTTP 500, 3 tries): the judge fell over" }]);
    expect(stub.requests).toHaveLength(3);
  });

  it("lets the SDK retry a rate limit and scores the answer that follows", async () => {
    script((r) => (r.index === 0 ? { status: 429, error: "slow down" } : "SCORE: 5"));
    const [s] = await judge().scoreBatch([sixSeven]);
    expect(s!.value).toBeCloseTo(0.5);
    expect(stub.requests).toHaveLength(2);
  });

  it("gives null with a reason when the judge takes longer than the timeout", async () => {
    script(() => ({ content: "SCORE: 5", delayMs: 2000 }));
    const started = Date.now();
    const [s] = await judge({ timeoutMs: 100, maxRetries: 0 }).scoreBatch([sixSeven]);
    expect(s).toEqual({ value: null, status: "failed", reason: "judge request timed out after 100 ms (1 try)" });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("names the model when the endpoint does not know it, and sends no more of the batch", async () => {
    script(() => ({ status: 404, error: "The model `nope` does not exist" }));
    const batch = [sixSeven, traj({ prompt: "a", answer: "b" }), traj({ prompt: "c", answer: "d" })];
    const scores = await judge({ model: "nope", maxConcurrency: 1 }).scoreBatch(batch);
    expect(stub.requests).toHaveLength(1);
    for (const s of scores) {
      expect(s.value).toBeNull();
      expect(s.reason).toBe(`judge endpoint answered HTTP 404 (The model \`nope\` does not exist); is model "nope" served at ${stub.baseURL}?`);
    }
  });

  it("keeps at most maxConcurrency requests in flight", async () => {
    script(() => ({ content: "SCORE: 10", delayMs: 40 }));
    const batch = Array.from({ length: 10 }, (_, i) => traj({ prompt: `q${i}`, answer: "a" }));
    const scores = await judge({ maxConcurrency: 3 }).scoreBatch(batch);
    expect(scores.map((s) => s.value)).toEqual(new Array(10).fill(1));
    expect(stub.requests).toHaveLength(10);
    expect(stub.maxInFlight).toBe(3);
  });
});

describe("judge cache", () => {
  it("answers a repeated prompt from memory without a second request", async () => {
    const scorer = judge();
    const first = await scorer.scoreBatch([sixSeven, sixSeven]);
    const again = await scorer.scoreBatch([sixSeven]);
    expect(stub.requests).toHaveLength(1);
    expect(again[0]).toEqual(first[0]);
    expect(first[1]).toEqual(first[0]);
  });

  it("asks again for every item when the cache is off", async () => {
    await judge({ cache: false }).scoreBatch([sixSeven, sixSeven]);
    expect(stub.requests).toHaveLength(2);
  });

  it("keeps replies in the cache file across scorer instances", async () => {
    const a = judge({ cacheFile: "cache/judge.jsonl" });
    const [fromA] = await a.scoreBatch([sixSeven]);
    await a.close();
    const lines = readFileSync(join(dir, "cache/judge.jsonl"), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ key: expect.stringMatching(/^[0-9a-f]{64}$/), model: "judge-1", reply: "Fine.\nSCORE: 5" });

    const [fromB] = await judge({ cacheFile: "cache/judge.jsonl" }).scoreBatch([sixSeven]);
    expect(fromB).toEqual(fromA);
    expect(stub.requests).toHaveLength(1);
  });

  it("skips corrupt cache lines with a warning and keeps appending whole lines", async () => {
    const a = judge({ cacheFile: "judge.jsonl" });
    await a.scoreBatch([sixSeven]);
    await a.close();
    const file = join(dir, "judge.jsonl");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, `not json\n${good}{"key": "abc", "rep`);
    const warnings: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((m: string) => void warnings.push(m));

    const b = judge({ cacheFile: "judge.jsonl" });
    const other = traj({ prompt: "2+2?", answer: "4" });
    const scores = await b.scoreBatch([sixSeven, other]);
    await b.close();
    expect(scores.map((s) => s.value)).toEqual([0.5, 0.5]);
    expect(stub.requests).toHaveLength(2); // the cached one was not asked again
    expect(warnings).toEqual([`warning: judge cache ${file}: skipped 2 corrupt lines (lines 1, 3)`]);
    const last = readFileSync(file, "utf8").trimEnd().split("\n").pop()!;
    expect(JSON.parse(last)).toMatchObject({ model: "judge-1" });
  });
});

describe("judge outputs", () => {
  it("converts scores to promptfoo's {pass, score, reason} with the threshold", async () => {
    script((r) => (r.messages[0]!.content.includes("good") ? "SCORE: 8" : "SCORE: 3"));
    const scorer = judge({ output: "promptfoo", threshold: 0.6 });
    const results = await scorer.results([traj({ prompt: "good" }), traj({ prompt: "bad" })]);
    expect(results).toEqual([
      { pass: true, score: 0.8, reason: "judge scored 8 (0–10)" },
      { pass: false, score: 0.3, reason: "judge scored 3 (0–10)" },
    ]);
    expect(convertScore({ value: null, reason: "n/a" }, "promptfoo")).toEqual({ pass: false, score: 0, reason: "n/a" });
  });

  it("converts scores to autoevals' {name, score, metadata}", async () => {
    const scorer = judge({ output: "autoevals" });
    expect(await scorer.results([sixSeven])).toEqual([{ name: "judge", score: 0.5, metadata: { reason: "judge scored 5 (0–10): Fine." } }]);
    expect(convertScore({ value: null, reason: "no reference" }, "autoevals", { name: "factual" })).toEqual({ name: "factual", score: null, metadata: { reason: "no reference" } });
  });
});

describe("judge options", () => {
  const parse = (o: Record<string, unknown>) => parseConfig(definition.options, { model: "m", ...o }, "scorers[0]");
  const pathOf = (o: Record<string, unknown>) => {
    try {
      parse(o);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return (e as UserError).message;
    }
    return "no error";
  };

  it("fills in defaults", () => {
    expect(parse({})).toMatchObject({ apiKeyEnv: "OPENAI_API_KEY", scale: { min: 0, max: 10 }, temperature: 0, maxConcurrency: 8, retries: 2, cache: true, output: "score" });
  });

  it("rejects bad options with a UserError naming the option", () => {
    expect(pathOf({ scale: { min: 5, max: 1 } })).toBe("scorers[0].scale.max: must be greater than scale.min (5), got 1");
    expect(pathOf({ template: "Grade {{answr}}" })).toMatch(/^scorers\[0\]\.template: unknown placeholder \{\{answr\}\} \(did you mean "answer"\?\)/);
    expect(pathOf({ template: "Grade {{prompt}}" })).toBe("scorers[0].template: has no {{answer}} placeholder, so the judge would never see the answer");
    expect(pathOf({ temperature: "hot" })).toMatch(/^scorers\[0\]\.temperature: expected a number/);
    expect(pathOf({ maxConcurrency: 0 })).toMatch(/^scorers\[0\]\.maxConcurrency: /);
    expect(pathOf({ cache: false, cacheFile: "c.jsonl" })).toMatch(/^scorers\[0\]\.cacheFile: needs cache: true/);
    expect(pathOf({ choices: { A: 1, B: 0 } })).toMatch(/^scorers\[0\]\.rubric: missing; choices need a rubric/);
    expect(pathOf({ baseURL: "judge.local" })).toBe('scorers[0].baseURL: expected an http:// or https:// URL, got "judge.local"');
    expect(pathOf({ outptu: "score" })).toMatch(/^scorers\[0\]: unknown key "outptu" \(did you mean "output"\?\)/);
  });

  it("needs an API key for a remote endpoint, naming the variable, and sends a dummy one locally", async () => {
    expect(() => judge({ baseURL: "https://judge.example.com/v1", apiKeyEnv: "JUDGE_KEY" })).toThrow(
      new UserError("apiKeyEnv", "the environment variable JUDGE_KEY is not set, and https://judge.example.com needs an API key (set JUDGE_KEY, or name another variable with apiKeyEnv)"),
    );
    expect(() => judge({ baseURL: "https://judge.example.com/v1", apiKeyEnv: "JUDGE_KEY" }, { JUDGE_KEY: "k" })).not.toThrow();
    await judge().scoreBatch([sixSeven]);
    await judge({ apiKeyEnv: "JUDGE_KEY", cache: false }, { JUDGE_KEY: "secret-1" }).scoreBatch([sixSeven]);
    expect(stub.requests.map((r) => r.headers.authorization)).toEqual(["Bearer sk-local", "Bearer secret-1"]);
  });

  it("takes the endpoint from OPENAI_BASE_URL when baseURL is not given", async () => {
    const parsed = parseConfig(definition.options, { model: "judge-1" });
    const scorer = definition.make(parsed, "judge", { baseDir: dir, env: { OPENAI_BASE_URL: stub.baseURL } });
    expect((await scorer.scoreBatch([sixSeven]))[0]!.value).toBeCloseTo(0.5);
    expect(stub.requests).toHaveLength(1);
  });

  it("treats only loopback hosts as local", () => {
    for (const url of ["http://localhost:8000/v1", "http://127.0.0.1/v1", "http://127.1.2.3:9/v1", "http://[::1]:8000/v1", "http://vllm.localhost/v1"]) {
      expect(isLocalURL(url), url).toBe(true);
    }
    for (const url of ["https://api.openai.com/v1", "http://10.0.0.5:8000/v1", "http://localhost.example.com/v1", "not a url"]) {
      expect(isLocalURL(url), url).toBe(false);
    }
  });
});
