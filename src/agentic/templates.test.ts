import { describe, expect, it } from "vitest";
import { fromOpenRlhf } from "./import.js";
import { detectTemplate, parseRendered, resolveTemplate, TEMPLATES, withoutMarkers } from "./templates.js";
import { parseTrajectory } from "./trajectory.js";

const ANSWER = "<think>\n48 / 2 = 24; 48 + 24 = 72\n</think>\n<answer>72</answer>";

/** One user question and the model's answer, rendered as each family's chat template renders them. */
const RENDERED: Record<string, { prompt: string; end: string }> = {
  chatml: { prompt: "<|im_start|>system\nYou are Qwen.<|im_end|>\n<|im_start|>user\nHow many?<|im_end|>\n<|im_start|>assistant\n", end: "<|im_end|>" },
  llama3: { prompt: "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHow many?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", end: "<|eot_id|>" },
  mistral: { prompt: "<s>[INST]How many?[/INST]", end: "</s>" },
  gemma: { prompt: "<bos><start_of_turn>user\nHow many?<end_of_turn>\n<start_of_turn>model\n", end: "<end_of_turn>" },
  deepseek: { prompt: "<\uff5cbegin\u2581of\u2581sentence\uff5c><\uff5cUser\uff5c>How many?<\uff5cAssistant\uff5c>", end: "<\uff5cend\u2581of\u2581sentence\uff5c>" },
};

describe("chat templates", () => {
  for (const [name, { prompt, end }] of Object.entries(RENDERED)) {
    it(`${name}: detected, the prompt split into messages, the answer without its end token`, () => {
      const query = prompt + ANSWER + end;
      expect(detectTemplate(query)?.name).toBe(name);
      const t = withoutMarkers(fromOpenRlhf(query, prompt, "72", "auto"), "auto");
      expect(t.answer).toBe(ANSWER);
      expect(t.truncated).toBe(false);
      expect(t.raw).toBe(ANSWER + end);
      const messages = t.prompt as { role: string; content: string }[];
      expect(messages.at(-1)).toEqual({ role: "user", content: "How many?" });
      // Cut off at the length limit: no end token.
      const cut = withoutMarkers(fromOpenRlhf(prompt + ANSWER.slice(0, 20), prompt, "72", "auto"), TEMPLATES[name]!);
      expect([cut.answer, cut.truncated]).toEqual([ANSWER.slice(0, 20), true]);
    });
  }

  it("padding and several end tokens after the answer are dropped", () => {
    const p = parseRendered(`${ANSWER}<|im_end|><|endoftext|><|endoftext|>`, TEMPLATES.chatml!, "assistant");
    expect(p).toEqual({ messages: [{ role: "assistant", content: ANSWER }], ended: true, marked: true });
  });

  it("a rendered multi-turn response becomes turns, and its last assistant message the answer", () => {
    const response = '<tool_call>\n{"name": "multiply", "arguments": {"a": 17, "b": 23}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n391\n</tool_response><|im_end|>\n<|im_start|>assistant\n17 * 23 = 391.\n<answer>391</answer><|im_end|>';
    const t = withoutMarkers(parseTrajectory({ answer: response }), "auto");
    expect(t.turns.map((m) => m.role)).toEqual(["assistant", "user", "assistant"]);
    expect(t.answer).toBe("17 * 23 = 391.\n<answer>391</answer>");
  });

  it("verl's decode without special tokens: a Qwen tool turn is split on its role words", () => {
    const solution = '<tool_call>\n{"name": "multiply", "arguments": {"a": 17, "b": 23}}\n</tool_call>user\n<tool_response>\n391\n</tool_response>\nassistant\nThe product is 391.\n<answer>391</answer>';
    const t = withoutMarkers(parseTrajectory({ answer: solution }), "auto");
    expect(t.turns.map((m) => [m.role, m.content])).toEqual([
      ["assistant", '<tool_call>\n{"name": "multiply", "arguments": {"a": 17, "b": 23}}\n</tool_call>'],
      ["tool", "\n391\n"],
      ["assistant", "The product is 391.\n<answer>391</answer>"],
    ]);
    expect(t.answer).toBe("The product is 391.\n<answer>391</answer>");
  });

  it("plain text is left as it is, the same object, whatever the template", () => {
    const t = parseTrajectory({ prompt: "Q: 2+2?", answer: "<answer>4</answer> [see above]" });
    expect(withoutMarkers(t, "auto")).toBe(t);
    expect(withoutMarkers(t, TEMPLATES.mistral!)).toBe(t);
    const marked = parseTrajectory({ answer: "4<|im_end|>" });
    expect(withoutMarkers(marked, null)).toBe(marked);
  });

  it("a custom template takes its own markers out", () => {
    const custom = resolveTemplate({ ends: ["<|END|>"], opens: { "<|BOT|>": "assistant" }, strip: ["<|PAD|>"] });
    expect(custom).not.toBe("auto");
    const t = withoutMarkers(parseTrajectory({ answer: "<|BOT|>42<|END|><|PAD|><|PAD|>" }), custom as Exclude<typeof custom, "auto" | null>);
    expect([t.answer, t.truncated]).toEqual(["42", false]);
    expect(resolveTemplate("none")).toBeNull();
  });

  it("OpenRLHF: a prompt cut from the left still splits the query where the response begins, past earlier assistant turns", () => {
    // A few-shot prompt: its last characters also close the example turn, earlier in the query.
    const example = "<|im_start|>user\nHow many legs has a cat? Think, then answer in tags.<|im_end|>\n<|im_start|>assistant\n<answer>4</answer><|im_end|>\n";
    const prompt = `<|im_start|>system\nYou are Qwen, a careful assistant who reasons step by step.<|im_end|>\n${example}<|im_start|>user\nHow many clips did she sell in April and May? Think, then answer in tags.<|im_end|>\n<|im_start|>assistant\n`;
    const cut = prompt.slice(30);
    const t = fromOpenRlhf(cut + ANSWER + "<|im_end|>", prompt, "72");
    expect(t.answer).toBe(ANSWER + "<|im_end|>");
    // Without a prompt, the template's first assistant header.
    expect(fromOpenRlhf(prompt + ANSWER + "<|im_end|>", undefined, "72").answer).toBe(`<answer>4</answer><|im_end|>\n${prompt.slice(prompt.indexOf(example) + example.length)}${ANSWER}<|im_end|>`);
  });

  it("text after the last end token belongs to no message; clean completions of templated prompts are not called cut off", () => {
    const p = parseRendered(`${ANSWER}<|im_end|>garbage`, TEMPLATES.chatml!, "assistant");
    expect([p.messages.map((m) => m.content), p.ended]).toEqual([[ANSWER], true]);
    // TRL with a dataset the user templated: the completion was decoded without special tokens.
    const t = withoutMarkers(parseTrajectory({ prompt: RENDERED.chatml!.prompt, answer: ANSWER }), "auto");
    expect([t.answer, t.truncated]).toEqual([ANSWER, undefined]);
    // Prose that mentions [INST] is not read as Mistral; only its closing [/INST] is a sign of it.
    expect(detectTemplate("Wrap the user's text in [INST] tags.")).toBeNull();
  });

  it("is linear in the text: four times the markers take about four times as long, not sixteen", () => {
    const text = (k: number) => "<|im_start|>user\n".repeat(k << 14) + "x".repeat(k << 18) + "<|im_end|>";
    const time = (s: string) => {
      let best = Infinity;
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        expect(parseRendered(s, TEMPLATES.chatml!, "assistant").ended).toBe(true);
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const small = text(1);
    const large = text(4);
    time(small); // warm up
    expect(time(large)).toBeLessThan(10 * time(small) + 20);
  });
});

describe("the truncated scorer", () => {
  it("penalizes a rendered response without its end token, and abstains on clean text", async () => {
    const { RewardPipeline } = await import("./pipeline.js");
    const { parseAgenticSpec } = await import("./spec.js");
    const { SCORERS } = await import("./scorers/registry.js");
    const p = new RewardPipeline(parseAgenticSpec({ aspects: [{ kind: "truncated", coef: 0.5 }] }, SCORERS), { baseDir: ".", env: {} });
    const { prompt, end } = RENDERED.llama3!;
    const s = await p.score([fromOpenRlhf(prompt + ANSWER + end, prompt, "72"), fromOpenRlhf(prompt + ANSWER.slice(0, 9), prompt, "72"), parseTrajectory({ answer: ANSWER })]);
    expect(Array.from(s.aspects[0]!.values.slice(0, 2))).toEqual([0, -0.5]);
    expect(s.aspects[0]!.status[2]).toBe(1); // abstained
  });
});

describe("a response that begins inside the think block its prompt opened", () => {
  it("gets its <think> back: from DeepSeek-R1's rendered prompt, or its template named for clean text", () => {
    const { prompt, end } = RENDERED.deepseek!;
    const opened = `${prompt}<think>\n`;
    const t = withoutMarkers(fromOpenRlhf(`${opened}24 + 48 = 72\n</think>\n\n\\boxed{72}${end}`, opened, "72"), "auto");
    expect(t.answer).toBe("<think>\n24 + 48 = 72\n</think>\n\n\\boxed{72}");
    const verl = parseTrajectory({ answer: "24 + 48 = 72\n</think>\n\n\\boxed{72}" });
    expect(withoutMarkers(verl, TEMPLATES.deepseek!).answer).toBe(t.answer);
    // Not for other templates, and not when the answer opened its own block: a malformed answer stays malformed.
    expect(withoutMarkers(verl, TEMPLATES.chatml!).answer).toBe(verl.answer);
    const own = parseTrajectory({ answer: "<think>x</think>y" });
    expect(withoutMarkers(own, TEMPLATES.deepseek!).answer).toBe("<think>x</think>y");
  });
});
