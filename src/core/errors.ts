/**
 * Errors a user can fix (a bad config, an unknown id, a bad argument) are
 * `UserError`s: they carry the path of what was wrong and print as one line,
 * `<path>: <what was expected, what was given>`. The CLI exits with code 2 on
 * them and with code 1 on anything else (a bug).
 */
export class UserError extends Error {
  override readonly name = "UserError";

  /**
   * @param path where the problem is: a config path (`env.kwargs.size`), an
   *   argument (`--seed`), an id (`envs.show`). May be empty.
   * @param problem what was expected and what was given.
   */
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
  }

  /** The same error with `prefix` put in front of its path (`env` + `kwargs.size`). */
  under(prefix: string): UserError {
    return new UserError(joinPath(prefix, this.path), this.problem);
  }
}

/** Joins path segments: `joinPath("terms", 2, "weight")` is `terms[2].weight`. */
export function joinPath(...parts: (string | number)[]): string {
  let out = "";
  for (const part of parts) {
    if (typeof part === "number") out += `[${part}]`;
    else if (part === "") continue;
    else if (part.startsWith("[")) out += part;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** Shows a value the user gave, short and unambiguous: strings quoted, long values cut. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 37) + "..." : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "an object";
  return typeof value;
}
