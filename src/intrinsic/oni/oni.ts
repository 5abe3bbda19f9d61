/**
 * ONI (Zheng et al. 2024, "Online Intrinsic Rewards for Decision Making
 * Agents from Large Language Model Feedback"): a language model labels the
 * captions of what the agent experiences, asynchronously, while it trains;
 * a reward model distilled from those labels pays an intrinsic reward,
 * decayed by how often the caption was seen:
 *
 *   r_int(c) = p(c) · N(c)^(−β)        (ONI's β: 3)
 *
 * A caption here is the set of events a step raised ("pickup:key, open:
 * door"); steps without events pay nothing, as ONI's empty messages. p(c)
 * is, with `reward: retrieval`, the label itself (ONI's hash table), or
 * with `reward: classification` (the default) a logistic regression on the
 * caption's events, trained between rollouts on the labels so far, so a
 * caption not yet labelled is judged by the events it shares with labelled
 * ones (ONI's classification model).
 *
 * Asynchrony, kept reproducible: a caption first seen on vector step t is
 * sent to the annotator at once, and its label is used from step t + delay
 * on (the training thread waits there if it has not come back), so a run
 * replayed from its recording pays the same rewards, bit for bit, as the
 * live run that recorded it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import type { ModuleBatch, RewardModule } from "../module.js";
import { liveAnnotator, replayAnnotator, type Annotator } from "./annotator.js";

const OniOptions = z
  .object({
    task: z.string().min(1).describe("the task, in words, as the annotator is told it"),
    model: z.string().min(1).optional().describe("the annotating model's name at the endpoint"),
    baseURL: z.string().optional().describe("the OpenAI-compatible endpoint (default OPENAI_BASE_URL, else the OpenAI API)"),
    apiKeyEnv: z.string().optional().describe("the environment variable holding the endpoint's key"),
    record: z.string().optional().describe("append every annotation exchange to this recording"),
    replay: z.string().optional().describe("annotate from this recording, with no model"),
    prompt: z.string().optional().describe("a prompt file of your own ({{task}}, {{caption}})"),
    reward: z.enum(["classification", "retrieval"]).default("classification").describe("p(c): a classifier on the caption's events, or the label itself"),
    beta: z.number().min(0).default(3).describe("count decay: r = p(c)·N(c)^(−β)"),
    delay: z.number().int().min(0).default(256).describe("vector steps between a caption's first sight and the use of its label"),
    maxCaptions: z.number().int().min(1).max(65_536).default(1024).describe("distinct captions annotated at most"),
    temperature: z.number().min(0).max(2).default(0).describe("the annotator's sampling temperature"),
    timeoutMs: z.number().int().min(1).default(120_000).describe("how long training waits for a label it needs"),
  })
  .strict();
export type OniOptions = z.output<typeof OniOptions>;

interface Caption {
  /** The events, as bits of the step's event mask. */
  mask: number;
  firstSeen: number;
  count: number;
  /** 1 or 0 once taken; null while pending or when the annotation failed. */
  label: number | null;
  failure?: string;
  taken: boolean;
}

interface OniState {
  step: number;
  captions: Caption[];
  weights: number[];
  bias: number;
  trained: boolean;
}

/** The default prompt: prompts/oni/annotate.md at the package's root (from sources or the build). */
function defaultPrompt(): string {
  for (const up of ["../../../prompts/oni/annotate.md", "../../../../prompts/oni/annotate.md"]) {
    try {
      return readFileSync(fileURLToPath(new URL(up, import.meta.url)), "utf8");
    } catch {
      // try the next
    }
  }
  throw new Error("rewardlab's prompts/oni/annotate.md is missing from the package");
}

/** The label in a reply: its last "Answer: 1/0" (or yes/no); undefined when there is none. */
export function labelOf(reply: string): number | undefined {
  const answers = [...reply.matchAll(/answer\s*[:=]\s*\**\s*(1|0|yes|no)\b/gi)];
  if (answers.length === 0) return undefined;
  const a = answers[answers.length - 1][1].toLowerCase();
  return a === "1" || a === "yes" ? 1 : 0;
}

export function oniReward(raw: Record<string, unknown>, path: string): RewardModule & { captions(): { caption: string; label: number | null; count: number }[] } {
  const o = parseConfig(OniOptions, raw, path);
  if (o.replay === undefined && o.model === undefined) throw new UserError(`${path}.model`, "expected the annotating model's name (with baseURL for a local server), or replay: a recording");
  if (o.replay !== undefined && o.record !== undefined) throw new UserError(`${path}.record`, "records a live model; replay answers from a recording: use one of them");
  const template = o.prompt !== undefined ? readPrompt(o.prompt, `${path}.prompt`) : defaultPrompt();
  let annotator: Annotator | undefined;
  let events: [string, number][] = [];
  let captions: Caption[] = [];
  const ids = new Map<number, number>();
  let step = 0;
  let weights: number[] = [];
  let bias = 0;
  let trained = false;
  let failed = 0;
  let silent = false;

  const captionText = (mask: number) => events.filter(([, bit]) => mask & bit).map(([name]) => name).join(", ");
  const request = (c: Caption) => ({ messages: [{ role: "user" as const, content: template.replace(/\{\{\s*task\s*\}\}/g, o.task).replace(/\{\{\s*caption\s*\}\}/g, captionText(c.mask)).trim() }], temperature: o.temperature });
  const send = (k: number) => annotator!.send(k, request(captions[k]));

  /** Captions before this index have been taken (they are in order of first sight, so the due ones come first). */
  let due = 0;
  /** Takes every label due by now, in the order the captions were first seen. */
  const resolveDue = () => {
    for (; due < captions.length && captions[due].firstSeen + o.delay <= step; due++) {
      const k = due;
      const c = captions[k];
      if (c.taken) continue;
      const outcome = annotator!.take(k);
      c.taken = true;
      if ("error" in outcome) c.failure = `the call failed: ${outcome.error}`;
      else {
        const label = labelOf(outcome.text);
        if (label === undefined) c.failure = `no "Answer: 1" or "Answer: 0" in the reply: ${outcome.text.replace(/\s+/g, " ").slice(-120)}`;
        else c.label = label;
      }
      if (c.failure !== undefined) failed++;
    }
  };

  const features = (mask: number) => events.map(([, bit]) => (mask & bit ? 1 : 0));
  /** Each caption's event indicators, made once. */
  const xs: number[][] = [];
  const xOf = (k: number) => (xs[k] ??= features(captions[k].mask));
  const p = (k: number): number => {
    const c = captions[k];
    if (o.reward === "retrieval") return c.taken && c.label !== null ? c.label : 0;
    if (!trained) return 0;
    const x = xOf(k);
    let z = bias;
    for (let j = 0; j < x.length; j++) z += weights[j] * x[j];
    return 1 / (1 + Math.exp(-z));
  };

  return {
    name: "oni",
    captions: () => captions.map((c) => ({ caption: captionText(c.mask), label: c.label, count: c.count })),
    init(info) {
      events = [...(info.events ?? new Map<string, number>())];
      if (events.length === 0) throw new UserError(`${path}`, "ONI captions a step by the events it raised; this environment raises none");
      weights = events.map(() => 0);
      xs.length = 0;
      silent = info.evaluation === true;
      annotator?.close();
      if (silent) return;
      annotator = o.replay !== undefined ? replayAnnotator(o.replay, o.model, `${path}.replay`) : liveAnnotator({ model: o.model!, baseURL: o.baseURL, apiKeyEnv: o.apiKeyEnv, record: o.record, timeoutMs: o.timeoutMs, capacity: o.maxCaptions, path });
    },
    compute(b: ModuleBatch, out: Float64Array) {
      if (silent) return void out.fill(0, 0, b.n);
      step++;
      resolveDue();
      const ev = b.events!;
      for (let i = 0; i < b.n; i++) {
        const mask = ev[i];
        if (mask === 0) {
          out[i] = 0;
          continue;
        }
        let k = ids.get(mask);
        if (k === undefined) {
          if (captions.length >= o.maxCaptions) throw new UserError(`${path}.maxCaptions`, `more than ${o.maxCaptions} distinct captions; raise it`);
          k = captions.length;
          captions.push({ mask, firstSeen: step, count: 0, label: null, taken: false });
          ids.set(mask, k);
          send(k);
        }
        const c = captions[k];
        c.count++;
        out[i] = p(k) * Math.pow(c.count, -o.beta);
      }
    },
    /** Fits the classifier to the labels taken so far (full-batch gradient descent on the log loss, from where it was). */
    update() {
      const labelledIds = captions.flatMap((c, k) => (c.taken && c.label !== null ? [k] : []));
      const labelled = labelledIds.map((k) => captions[k]);
      if (o.reward === "classification" && labelled.length > 0) {
        const rows = labelledIds.map(xOf);
        for (let epoch = 0; epoch < 100; epoch++) {
          const gw = weights.map(() => 0);
          let gb = 0;
          rows.forEach((x, r) => {
            let z = bias;
            for (let j = 0; j < x.length; j++) z += weights[j] * x[j];
            const err = 1 / (1 + Math.exp(-z)) - labelled[r].label!;
            for (let j = 0; j < x.length; j++) gw[j] += err * x[j];
            gb += err;
          });
          for (let j = 0; j < weights.length; j++) weights[j] -= (0.5 * gw[j]) / rows.length + 1e-3 * weights[j];
          bias -= (0.5 * gb) / rows.length;
        }
        trained = true;
      }
      return { captions: captions.length, labelled: labelled.length, positive: labelled.filter((c) => c.label === 1).length, failed };
    },
    state(): OniState {
      return { step, captions: captions.map((c) => ({ ...c })), weights: [...weights], bias, trained };
    },
    load(raw) {
      const s = raw as OniState;
      step = s.step;
      captions = s.captions.map((c) => ({ ...c }));
      xs.length = 0;
      due = 0;
      while (due < captions.length && captions[due].taken) due++;
      ids.clear();
      captions.forEach((c, k) => ids.set(c.mask, k));
      weights = [...s.weights];
      bias = s.bias;
      trained = s.trained;
      failed = captions.filter((c) => c.failure !== undefined).length;
      // Annotations still pending when the state was saved are asked again.
      if (!silent) captions.forEach((c, k) => c.taken || send(k));
    },
  };
}

function readPrompt(file: string, path: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError(path, `cannot read ${file}: ${(e as Error).message}`);
  }
}
