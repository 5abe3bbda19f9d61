import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { RewardPipeline } from "../pipeline.js";
import { parseAgenticSpec } from "../spec.js";
import { parseTrajectory } from "../trajectory.js";
import { SCORERS } from "./registry.js";
import { compileSafePattern } from "./safe-regex.js";

const LONG = 100_000;

describe("classic ReDoS patterns run in linear time", () => {
  // [pattern, flags, attack text, whether it matches]: each attack makes V8 backtrack exponentially (or polynomially, for the long ones).
  const cases: [string, string, string, boolean][] = [
    ["^(a+)+$", "", "a".repeat(40) + "!", false],
    ["^(a|a)*$", "", "a".repeat(40) + "!", false],
    ["^(a|aa)+$", "", "a".repeat(40) + "!", false],
    ["^(.*a){20}$", "", "a".repeat(40) + "!", false],
    ["^(.*a){20}", "s", "a".repeat(19) + "\n" + "b".repeat(40), false],
    ["(\\w+\\s?)*$", "", "word ".repeat(20) + "!", true],
    ["^(\\w+\\s?)*$", "", "word ".repeat(20) + "!", false],
    ["^(\\d+)*$", "", "1".repeat(40) + "x", false],
    ["(x+x+)+y", "", "x".repeat(40), false],
    ["^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$", "", "a".repeat(40) + "!", false],
    ["^(([a-z])+.)+[A-Z]([a-z])+$", "", "a".repeat(40) + "!", false],
    ["(a*)*b", "i", "A".repeat(40), false],
    ["<answer>(.*?)</answer>", "", "<answer>".repeat(LONG / 8), false],
    ["\\\\boxed\\{[^}]*\\}", "", "\\boxed{".repeat(LONG / 7), false],
    ["^(a+)+$", "", "a".repeat(LONG), true],
  ];
  test.each(cases)("/%s/%s", (pattern, flags, text, matches) => {
    const re = compileSafePattern(pattern, flags);
    const t0 = performance.now();
    expect(re.test(text)).toBe(matches);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  test("a regex aspect scores a 41-character attack on ^(a+)+$ at once", async () => {
    const p = new RewardPipeline(parseAgenticSpec({ aspects: [{ kind: "regex", pattern: "^(a+)+$" }] }, SCORERS), { baseDir: ".", env: {} });
    const t0 = performance.now();
    const s = await p.score([parseTrajectory({ answer: "a".repeat(40) + "!" }), parseTrajectory({ answer: "a".repeat(41) })]);
    expect(Array.from(s.rewards)).toEqual([0, 1]);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe("good patterns mean what they mean in JavaScript", () => {
  // [pattern, flags, texts]: each text is matched by V8 and by the linear engine, and they must agree.
  const corpus: [string, string, string[]][] = [
    ["^<think>\\n.*?\\n</think>\\n<answer>\\n.*?\\n</answer>$", "s", ["<think>\nhm\n</think>\n<answer>\n42\n</answer>", "<think>\nx\n</think><answer>\n42\n</answer>", "<think>\n\n</think>\n<answer>\n\n</answer>"]],
    ["^<think>[\\s\\S]*?</think>\\s*<answer>[\\s\\S]*?</answer>$", "", ["<think>a\r\nb</think>\u00a0<answer>1</answer>", "<think></think><answer>1</answer> ", "x<think></think><answer></answer>"]],
    ["\\\\boxed\\{[^}]*\\}", "", ["so \\boxed{42}.", "\\boxed{", "boxed{1}"]],
    ["^\\s*\\{[\\s\\S]*\\}\\s*$", "", [" {\"a\": 1}\n", "\v{}\ufeff", "x{}", "{"]],
    ["^\\d{4}-\\d{2}-\\d{2}$", "", ["2024-01-31", "2024-1-31", "２０２４-01-31"]],
    ["^(yes|no)\\.?$", "i", ["Yes", "NO.", "maybe", "yes!"]],
    ["(?<=Answer: )\\d+", "", ["Answer: 7", "answer: 7", "Answer:7"]],
    ["(?<!not )\\bcorrect\\b", "", ["correct", "not correct", "incorrect", "it is correct!"]],
    ["^[\\p{L} ]+$", "u", ["Grüße aus Köln", "日本語", "abc1"]],
    ["\\p{Script=Greek}", "u", ["αβγ", "abc"]],
    ["^\\p{Lu}", "u", ["Élan", "élan"]],
    ["^\\p{Alphabetic}+$", "u", ["Straße", "a1"]],
    ["[\\u{1F600}-\\u{1F64F}]", "u", ["hi 😀", "hi :)"]],
    ["^.$", "u", ["😀", "ab", "\n"]],
    ["a.b", "", ["a\rb", "a\nb", "a\u2028b", "axb"]],
    ["a.b", "s", ["a\rb", "a\nb"]],
    ["[^]", "", ["", "\n"]],
    ["[]", "", ["", "x"]],
    ["^[\\S\\d]+$", "", ["abc", "a c", "\u00a0"]],
    ["^[^\\s]+$", "", ["abc", "a\u3000c"]],
    ["^\\W+$", "", ["!?", "a!"]],
    ["^line2$", "m", ["line1\nline2\nline3", "line1 line2"]],
    ["cat", "y", ["cat food", "a cat"]],
    ["café", "i", ["CAFÉ", "cafe"]],
    ["😀+", "", ["😀😀", "x"]],
    ["^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@example\\.com$", "", ["ann.lee@example.com", "ann..lee@example.com"]],
    ["^\\$?\\d{1,3}(,\\d{3})*(\\.\\d+)?$", "", ["$1,234.50", "1234,5", "12"]],
    ["\\b(?:error|fail(?:ed|ure)?)\\b", "i", ["Build FAILED", "failing", "no errors"]],
    ["^[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?$", "", ["-1.5e3", ".5", "1.", "e3", "1e"]],
  ];
  test.each(corpus)("/%s/%s", (pattern, flags, texts) => {
    const re = compileSafePattern(pattern, flags);
    const v8 = new RegExp(pattern, flags);
    for (const text of texts) {
      v8.lastIndex = 0;
      expect(re.test(text), `${JSON.stringify(text)} (RE2: ${re.re2})`).toBe(v8.test(text));
    }
  });
});

describe("what linear time cannot do is refused at load, naming the aspect's option", () => {
  const refused: [string, string, string][] = [
    ["^(?=.*<answer>)", "", "the lookahead (?=.*<answer>)"],
    ["^(?!.*sorry).*$", "i", "the lookahead (?!.*sorry)"],
    ["(\\w)\\1", "", "the backreference \\1"],
    ["(?<q>['\"]).*\\k<q>", "", "the backreference \\k<q>"],
    ["[\\p{L}--[a-z]]", "v", "a v-flag set operation"],
    ["\\p{ASCII}", "u", "not supported by the linear-time engine (RE2) patterns run on: error parsing regexp: invalid character class range: `\\p{ASCII}`"],
  ];
  test.each(refused)("/%s/%s", (pattern, flags, named) => {
    let error: unknown;
    try {
      compileSafePattern(pattern, flags);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).path).toBe("pattern");
    expect((error as UserError).message).toContain(named);
    expect((error as UserError).message).not.toContain("\n");
  });

  test("through the spec, the error is one line with the aspect's path", () => {
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact" }, { name: "fmt", kind: "regex", pattern: "^(?=a)b" }] }, SCORERS)).toThrow(
      /^aspects\[1\]\.pattern: the lookahead \(\?=a\) cannot be matched in linear time; patterns run on a linear-time engine \(RE2\), so lookahead, backreferences and set operations are not available: rewrite without it$/,
    );
    expect(() => parseAgenticSpec({ aspects: [{ kind: "regex", pattern: "(" }] }, SCORERS)).toThrow(/^aspects\[0\]\.pattern: not a valid regular expression/);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "regex", pattern: "a", flags: "q" }] }, SCORERS)).toThrow(/^aspects\[0\]\.flags: expected regular expression flags/);
  });
});
