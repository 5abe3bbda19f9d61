import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RewardPipeline } from "../pipeline.js";
import type { Scorer } from "../scorer.js";
import { parseAgenticSpec } from "../spec.js";
import { parseTrajectory, type TrajectoryInput } from "../trajectory.js";
import type { ExecutorRequest } from "../sandbox/executor.js";
import { JsSandbox } from "../sandbox/isolate.js";
import { codeScorers, extractCode } from "./code.js";

const definition = codeScorers.find((d) => d.kind === "code")!;
const make = (options: Record<string, unknown> = {}): Scorer => definition.make(definition.options.parse(options), "code", { baseDir: ".", env: {} });
const batch = (...ts: TrajectoryInput[]) => ts.map((t) => parseTrajectory(t));
const fence = (lang: string, code: string) => "```" + lang + "\n" + code + "\n```";

const ADD_TESTS = { tests: [{ input: "assert(add(1, 2) === 3)" }, { input: "assert.equal(add(-1, 1), 0)" }, { input: "assert.equal(add(2, 2), 4, 'two and two')" }] };

describe("code extraction", () => {
  test("takes the last JavaScript or TypeScript fenced block, else the last untagged block, else the whole answer", () => {
    const answer = `First try:\n${fence("js", "const a = 1;")}\nBetter:\n${fence("javascript", "const a = 2;")}\nIn Python:\n${fence("python", "a = 3")}`;
    expect(extractCode(answer)).toBe("const a = 2;");
    expect(extractCode(answer, "python")).toBe("a = 3");
    expect(extractCode(`${fence("", "let x = 1;")}\nand\n${fence("ts", "let y = 2;")}\nor\n${fence("", "let z = 3;")}`)).toBe("let y = 2;");
    expect(extractCode(`Here:\n${fence("", "let x = 1;")}`)).toBe("let x = 1;");
    expect(extractCode("  function f() { return 1 }  ")).toBe("function f() { return 1 }");
  });
});

describe("the code scorer, locally in isolated-vm", () => {
  const scorer = make({ timeout: 1000, memoryLimit: 32 });
  afterAll(() => scorer.close?.());

  test("scores the fraction of tests passed, names the first failure, and is null without tests", async () => {
    const scores = await scorer.scoreBatch(
      batch(
        { answer: `Here you go:\n${fence("js", "function add(a, b) { return a + b; }")}`, reference: ADD_TESTS },
        { answer: fence("js", "function add(a, b) { return a === 2 ? 5 : a + b; }"), reference: ADD_TESTS },
        { answer: "function add(a, b) { return a * b; }", reference: ADD_TESTS },
        { answer: fence("js", "function add(a, b) { return a + b; }") },
        { answer: "I don't know.", reference: ADD_TESTS },
      ),
    );
    expect(scores[0]).toEqual({ value: 1, reason: "3/3 tests passed" });
    expect(scores[1].value).toBeCloseTo(2 / 3, 12);
    expect(scores[1].reason).toBe("2/3 tests passed; test 3: AssertionError: two and two (test.js:1:8)");
    expect(scores[2].value).toBeCloseTo(1 / 3, 12);
    expect(scores[2].reason).toBe("1/3 tests passed; test 1: AssertionError: assertion failed (test.js:1:1)");
    expect(scores[3]).toEqual({ value: null, reason: "no reference.tests" });
    expect(scores[4].value).toBe(0);
    expect(scores[4].reason).toMatch(/^0\/3 tests passed; test 1: SyntaxError/);
  });

  test("in mode all gives 1 only when every test passes; a test with `expected` must print it", async () => {
    const all = make({ mode: "all" });
    const t = batch(
      { answer: "function add(a, b) { return a === 2 ? 5 : a + b; }", reference: ADD_TESTS },
      { answer: "function add(a, b) { return a + b; }", reference: ADD_TESTS },
      { answer: "function hello(n) { console.log('hello', n); }", reference: { tests: [{ input: "hello('ann')", expected: "hello ann\n" }, { input: "hello('bob')", expected: "hello ann" }] } },
    );
    const scores = await all.scoreBatch(t);
    await all.close?.();
    expect(scores.map((s) => s.value)).toEqual([0, 1, 0]);
    expect(scores[2].reason).toBe('1/2 tests passed; test 2: printed "hello bob", expected "hello ann"');
  });

  test("runs every test in a fresh context, and awaits a promise a test leaves as its value", async () => {
    const code = "let count = 0; function next() { return ++count; } async function twice(x) { return 2 * x; }";
    const tests = [
      { input: "assert(next() === 1)" },
      { input: "assert(next() === 1)" },
      { input: "twice(2).then((v) => assert.equal(v, 4))" },
      { input: "twice(2).then((v) => assert.equal(v, 5))" },
      { input: "new Promise(() => {})" },
    ];
    const [score] = await scorer.scoreBatch(batch({ answer: code, reference: { tests } }));
    expect(score.value).toBeCloseTo(3 / 5, 12);
    expect(score.reason).toBe("3/5 tests passed; test 4: AssertionError: expected 5, got 4 (test.js:1:29)");
  });

  test("fails hostile code safely, each as that test failing with a reason, without crashing or hanging the host", async () => {
    const hostile: [string, RegExp][] = [
      ["while (true) {}", /time limit of 1000 ms exceeded/],
      ["const big = new Array(2 ** 27).fill(1.5);", /memory limit of 32 MB exceeded/], // 1 GiB of doubles: aborts the sandbox process
      ["const chunks = []; for (;;) chunks.push(new Array(1e6).fill({}));", /memory limit of 32 MB exceeded/],
      ["const buffer = new Uint8Array(2 ** 30);", /RangeError: Array buffer allocation failed/],
      ["process.exit(0);", /ReferenceError: process is not defined/],
      ["const fs = require('fs'); fs.writeFileSync('pwned', 'x');", /ReferenceError: require is not defined/],
      ["const p = globalThis.constructor.constructor('return process')(); p.exit(1);", /ReferenceError: process is not defined/],
      ["fetch('http://127.0.0.1:1/');", /ReferenceError: fetch is not defined/],
      ["setTimeout(() => {}, 0);", /ReferenceError: setTimeout is not defined/],
    ];
    const tests = { tests: [{ input: "assert(typeof add === 'function' && add(1, 2) === 3)" }] };
    const good = { answer: "function add(a, b) { return a + b; }", reference: tests };
    const start = performance.now();
    const scores = await scorer.scoreBatch(batch(good, ...hostile.map(([code]) => ({ answer: `function add(a, b) { return a + b; }\n${code}`, reference: tests })), good));
    const ms = performance.now() - start;
    expect(scores[0]).toEqual({ value: 1, reason: "1/1 tests passed" });
    expect(scores.at(-1)).toEqual({ value: 1, reason: "1/1 tests passed" });
    hostile.forEach(([code, reason], i) => {
      expect(scores[i + 1].value, code).toBe(0);
      expect(scores[i + 1].reason, code).toMatch(reason);
    });
    expect(ms).toBeLessThan(15_000);
    // The scorer is still usable afterwards.
    expect((await scorer.scoreBatch(batch(good)))[0].value).toBe(1);
  });

  test("keeps an answer from making a failing test pass by redefining assert or the built-ins the test uses (unless freeze is off)", async () => {
    const tests = { tests: [{ input: "assert(solve() === 42)" }, { input: "assert([solve()].includes(42))" }, { input: "assert(JSON.stringify(solve()) === '42')" }] };
    const cheats = [
      "function solve() { return 0; }\nfunction assert() {}",
      "function solve() { return 0; }\nglobalThis.assert = () => {}; delete globalThis.assert;",
      "function solve() { return 0; }\nArray.prototype.includes = () => true; JSON.stringify = () => '42';",
      "'use strict'; function solve() { return 0; }\nObject.defineProperty(Array.prototype, 'includes', { value: () => true });",
    ];
    const scores = await scorer.scoreBatch(batch(...cheats.map((answer) => ({ answer, reference: tests }))));
    expect(scores.map((s) => s.value)).toEqual([0, 0, 0, 0]);
    expect(scores[0].reason).toContain("TypeError: Identifier 'assert' has already been declared (answer.js:1:1)");
    const loose = make({ freeze: false });
    const [unfrozen] = await loose.scoreBatch(batch({ answer: cheats[2], reference: tests }));
    await loose.close?.();
    expect(unfrozen.value).toBeCloseTo(2 / 3, 12); // the prototype and JSON cheats work only without freezing
  });

  test("sandbox processes are restarted after a crash and ended by close", async () => {
    const sandbox = new JsSandbox(1);
    const crash = await sandbox.run({ code: "new Array(2 ** 27).fill(0)", timeout: 2000, memoryLimit: 16 });
    expect(crash.status).toBe("MemoryLimitExceeded");
    const ok = await sandbox.run({ code: "console.log(stdin.toUpperCase())", stdin: "abc", timeout: 2000, memoryLimit: 16 });
    expect(ok).toMatchObject({ status: "Finished", stdout: "ABC\n", stderr: "" });
    expect(sandbox.processes).toBe(1);
    await sandbox.close();
    expect(sandbox.processes).toBe(0);
  });

  test("a batch of 40 endless loops is stopped by the aspect's deadline, failed, and the next batch is scored at once", async () => {
    const p = new RewardPipeline(parseAgenticSpec({ aspects: [{ kind: "code", timeout: 1000, deadlineMs: 1500 }] }, new Map([[definition.kind, definition]])), { baseDir: ".", env: {} });
    try {
      const tests = { tests: [{ input: "assert(f() === 1)" }] };
      const loops = batch(...Array.from({ length: 40 }, () => ({ answer: "function f() { for (;;); }", reference: tests })));
      const t0 = performance.now();
      const s = await p.score(loops);
      // Two processes, a second per test: 20 s without the deadline.
      expect(performance.now() - t0).toBeLessThan(2500);
      expect(new Set(s.aspects[0]!.reasons)).toEqual(new Set(["no scores within the aspect's deadline of 1500 ms"]));
      const t1 = performance.now();
      const next = await p.score(batch({ answer: "function f() { return 1; }", reference: tests }));
      expect(next.rewards[0]).toBe(1);
      expect(performance.now() - t1).toBeLessThan(1000);
    } finally {
      await p.close();
    }
  });
});

describe("the code scorer with a Sandbox Fusion style executor over HTTP", () => {
  // A small executor on 127.0.0.1 implementing the run_code route with the same isolated-vm sandbox.
  const sandbox = new JsSandbox(2);
  const requests: ExecutorRequest[] = [];
  let mode: "ok" | "error500" | "sandboxError" = "ok";
  let server: Server;
  let url = "";

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", async () => {
        const reply = (status: number, json: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(json));
        };
        if (req.method !== "POST" || req.url !== "/run_code") return reply(404, { detail: "Not Found" });
        const request = JSON.parse(body) as ExecutorRequest;
        requests.push(request);
        if (mode === "error500") return reply(500, { detail: "executor down" });
        if (mode === "sandboxError") return reply(200, { status: "SandboxError", message: "no runner available", compile_result: null, run_result: null });
        const r = await sandbox.run({ code: request.code, stdin: request.stdin, timeout: request.run_timeout * 1000, memoryLimit: request.memory_limit_MB });
        const returnCode = r.status === "Finished" ? 0 : 1;
        reply(200, {
          status: returnCode === 0 ? "Success" : "Failed",
          message: "",
          compile_result: null,
          run_result: {
            status: r.status === "TimeLimitExceeded" ? "TimeLimitExceeded" : "Finished",
            execution_time: r.ms / 1000,
            return_code: returnCode,
            stdout: r.stdout,
            stderr: r.stderr + (r.error ? `${r.error}\n` : ""),
          },
          executor_pod_name: "local",
          files: {},
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/run_code`;
  });

  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const program = fence("js", "const [a, b] = stdin.trim().split(' ').map(Number);\nif (Number.isNaN(a + b)) throw new Error('bad input');\nconsole.log(a + b);");
  const tests = { tests: [{ input: "1 2", expected: "3" }, { input: "10 -4\n", expected: "6\n" }, { input: "2 2", expected: "5" }, { input: "x y" }] };

  test("sends one request per test with stdin, the timeouts in seconds and the memory limit, and passes a test iff it finishes with code 0 printing what is expected", async () => {
    mode = "ok";
    requests.length = 0;
    const scorer = make({ timeout: 1500, memoryLimit: 48, executor: { url } });
    const [score, slow] = await scorer.scoreBatch(batch({ answer: `Read two numbers:\n${program}`, reference: tests }, { answer: "while (true) {}", reference: { tests: [{ input: "" }] } }));
    expect(score.value).toBeCloseTo(2 / 4, 12);
    expect(score.reason).toBe('2/4 tests passed; test 3: printed "4", expected "5"');
    expect(slow).toEqual({ value: 0, reason: "0/1 tests passed; test 1: run status TimeLimitExceeded: time limit of 1500 ms exceeded" });
    expect(requests).toHaveLength(5);
    const first = requests.find((r) => r.stdin === "1 2")!;
    expect(first).toEqual({ code: extractCode(program), language: "nodejs", stdin: "1 2", run_timeout: 1.5, compile_timeout: 10, memory_limit_MB: 48, files: {}, fetch_files: [] });
    const [bad] = await scorer.scoreBatch(batch({ answer: program, reference: { tests: [{ input: "x y" }] } }));
    expect(bad.reason).toBe("0/1 tests passed; test 1: exit code 1: Error: bad input (answer.js:2:32)");
  });

  test("gives null, not zero, when the executor fails, after retrying", async () => {
    const retrying = make({ executor: { url, retries: 1 } });
    for (const [m, reason] of [
      ["error500", 'test 1: executor: HTTP 500 {"detail":"executor down"}'],
      ["sandboxError", "test 1: executor: SandboxError (no runner available)"],
    ] as const) {
      mode = m;
      requests.length = 0;
      const [score] = await retrying.scoreBatch(batch({ answer: program, reference: { tests: [{ input: "1 2", expected: "3" }] } }));
      expect(score).toEqual({ value: null, status: "failed", reason });
      expect(requests).toHaveLength(2);
    }
    mode = "ok";
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const unreachable = make({ executor: { url: `http://127.0.0.1:${closedPort}/run_code`, retries: 0 } });
    const [score] = await unreachable.scoreBatch(batch({ answer: program, reference: { tests: [{ input: "1 2" }] } }));
    expect(score.value).toBeNull();
    expect(score.reason).toBe("test 1: executor: ECONNREFUSED");
  });

  test("options are strict, with defaults", () => {
    expect(definition.options.parse({})).toEqual({ mode: "fraction", timeout: 2000, memoryLimit: 64, concurrency: 2, freeze: true, maxOutput: 65_536 });
    expect(definition.options.safeParse({ executor: { url: "not a url" } }).success).toBe(false);
    expect(definition.options.safeParse({ memoryLimit: 4 }).success).toBe(false);
    expect(definition.options.safeParse({ timeot: 5 }).success).toBe(false);
    expect((definition.options.parse({ executor: { url } }) as { executor: unknown }).executor).toEqual({ url, language: "nodejs", compileTimeout: 10_000, requestTimeout: 60_000, retries: 2 });
  });
});
