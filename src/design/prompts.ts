/**
 * The language-model designer's prompts are files users read and edit
 * (`prompts/design/*.md`, or a directory of their own with `--prompts`):
 * text with `{{name}}` placeholders the designer fills. A placeholder the
 * designer does not know is an error naming the file, so a typo in an
 * edited prompt is not sent to the model as is.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../core/errors.js";

/** Each prompt and the placeholders it may use. */
export const PROMPTS = {
  system: [],
  code: [],
  propose: ["env", "summary", "task", "observation", "actions", "maxSteps", "features", "events", "learner", "gamma", "steps", "maxTerms", "sample"],
  parameters: ["env", "summary", "task", "observation", "actions", "maxSteps", "features", "events", "learner", "gamma", "steps", "terms", "sample"],
  repair: ["errors", "note", "write"],
  reflect: ["seeds", "score", "success", "terms", "analysis", "others", "write", "sample"],
} as const satisfies Record<string, readonly string[]>;

export type PromptName = keyof typeof PROMPTS;
export type Prompts = Record<PromptName, string>;

/** The prompts shipped with rewardlab: `prompts/design` at the package's root. */
export function defaultPromptDir(): string {
  // From src/design/ (sources) or dist/src/design/ (built): the first that exists.
  for (const up of ["../../prompts/design", "../../../prompts/design"]) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, "system.md"))) return dir;
  }
  throw new Error("rewardlab's prompts/design directory is missing from the package");
}

/** The prompts from `dir` (default: rewardlab's own), each checked for unknown placeholders. */
export function loadPrompts(dir = defaultPromptDir(), flag = "--prompts"): Prompts {
  const out = {} as Prompts;
  for (const name of Object.keys(PROMPTS) as PromptName[]) {
    const path = join(dir, `${name}.md`);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new UserError(flag, `expected a directory with ${Object.keys(PROMPTS).map((n) => `${n}.md`).join(", ")}; cannot read ${path}`);
    }
    for (const [, key] of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (!(PROMPTS[name] as readonly string[]).includes(key)) {
        const known = PROMPTS[name].length ? `: it knows ${PROMPTS[name].join(", ")}` : ": it has none";
        throw new UserError(path, `unknown placeholder {{${key}}}${known}`);
      }
    }
    out[name] = text.trimEnd();
  }
  return out;
}

/** `template` with each `{{name}}` replaced by `values[name]` (absent: empty). */
export function render(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, key: string) => String(values[key] ?? "")).trim();
}
