/**
 * The reward designer's inputs, fuzzed: a model's replies (specs and
 * weights, as structures and as text), recordings of model calls, and ONI's
 * options. A reply is read as a spec or refused with one line, and a spec
 * it yields meets the critic without anything but a verdict coming back; a
 * recording loads or is refused with one line naming its line; nothing
 * hangs.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../core/errors.js";
import { critique } from "../design/critic.js";
import { templateOf } from "../design/llm.js";
import { specFromReply, weightsFromReply } from "../design/reply.js";
import { oniReward } from "../intrinsic/oni/oni.js";
import { Recording, chatKey } from "../providers/chat.js";
import { FUZZ, mutants } from "./mutate.js";

type Json = Parameters<typeof mutants>[0][number];
const dir = mkdtempSync(join(tmpdir(), "rewardlab-fuzz-design-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMITS = { maxChars: 20_000, maxTerms: 8 };
const SPECS: Json[] = [
  { terms: [{ name: "key", kind: "event", event: "pickup:key", weight: 0.2, once: true }] },
  { terms: [{ name: "door", kind: "potential", phi: "0.5 * carrying.key + 0.5 * door.open", gamma: 0.99, weight: 0.5 }, { name: "bump", kind: "event", event: "bump", weight: -0.01 }] },
  { terms: [{ name: "near", kind: "expression", expr: "-0.01 * goal.distance" }] },
];
const reply = (doc: Json) => `Reasoning first.\n\n\`\`\`yaml\n${stringify(doc)}\`\`\`\n`;

/** One line, never an exception: `read` returns a spec or an error. */
function oneLineOr<T extends { spec?: unknown; error?: string }>(read: () => T): T {
  const t0 = performance.now();
  const r = read();
  expect(performance.now() - t0).toBeLessThan(5000);
  if (r.error !== undefined) expect(r.error).not.toContain("\n");
  else expect(r.spec).toBeDefined();
  return r;
}

describe("fuzzing the designer's inputs", () => {
  it("a model's spec replies, as structures: read and judged by the critic, or one line", () => {
    fc.assert(
      fc.property(mutants(SPECS), (doc) => {
        const r = oneLineOr(() => specFromReply(reply(doc), LIMITS));
        if (r.spec === undefined) return;
        const verdict = critique("DoorKey-5x5", undefined, r.spec, { steps: 8, seed: 0 });
        for (const e of verdict.errors) expect(e).not.toContain("\n");
      }),
      { ...FUZZ, numRuns: Math.ceil(FUZZ.numRuns / 3) },
    );
  });

  it("a model's replies, as text: read or refused in one line", () => {
    const texts = SPECS.map((s) => reply(s));
    const edits = fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.nat(), fc.string({ maxLength: 8, unit: "binary" })).map(([text, a, b, insert]) => {
      const i = a % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(Math.min(text.length, i + (b % 12)));
    });
    fc.assert(fc.property(fc.oneof(edits, fc.string({ maxLength: 300 })), (text) => void oneLineOr(() => specFromReply(text, LIMITS))), FUZZ);
  });

  it("weights in parameter mode: put into the template, or one line", () => {
    const template = templateOf({ terms: [{ name: "goal", kind: "task" }, { name: "closer", kind: "expression", expr: "-0.1 * goal.distance" }, { name: "bump", kind: "event", event: "bump" }] }, { id: "LavaGapS5" });
    fc.assert(fc.property(mutants([{ weights: { closer: 0.5, bump: -0.01 } }]), (doc) => void oneLineOr(() => weightsFromReply(reply(doc), template, LIMITS))), FUZZ);
  });

  it("recordings of model calls: loaded, or one line naming the file and line", () => {
    const request = { messages: [{ role: "user", content: "hello" }], temperature: 1 };
    const valid: Json[] = [{ key: chatKey("m", request as never), model: "m", request, reply: "Answer: 1", tokens: { prompt: 3, completion: 2 } }];
    const file = join(dir, "recording.jsonl");
    fc.assert(
      fc.property(mutants(valid), fc.boolean(), (line, twice) => {
        writeFileSync(file, JSON.stringify(line) + "\n" + (twice ? JSON.stringify(valid[0]) + "\n" : ""));
        try {
          const recording = new Recording(file);
          // A request it holds is answered; any other is one line.
          try {
            recording.take(request as never);
          } catch (e) {
            if (!(e instanceof UserError)) throw e;
            expect(e.message).not.toContain("\n");
          }
        } catch (e) {
          if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.stack ?? String(e)}`);
          expect(e.message).not.toContain("\n");
          expect(e.path).toMatch(/recording\.jsonl:\d+$/);
        }
      }),
      FUZZ,
    );
  });

  it("ONI's options: a module, or one line naming the path", () => {
    fc.assert(
      fc.property(mutants([{ task: "reach the goal", model: "m", baseURL: "http://127.0.0.1:9/v1", reward: "retrieval", beta: 3, delay: 16 }]), (options) => {
        try {
          oniReward(options as Record<string, unknown>, "reward.terms[1].options");
        } catch (e) {
          if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.stack ?? String(e)}`);
          expect(e.message).not.toContain("\n");
          expect(e.path.startsWith("reward.terms[1].options")).toBe(true);
        }
      }),
      FUZZ,
    );
  });
});
