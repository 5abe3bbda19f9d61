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

/**
 * A `UserError` as plain data, to cross a thread or process boundary
 * (structured clone and JSON keep own fields but not classes).
 */
export interface SerializedUserError {
  readonly rewardlabUserError: { readonly path: string; readonly problem: string };
}

/**
 * What to send instead of `e` across a worker thread, a child process or a
 * cluster worker's channel: a `UserError` as plain data (rebuilt on the other
 * side by `reviveError`), anything else unchanged.
 *
 * @example
 * try { return run(task) } catch (e) { throw serializeError(e) } // in the worker
 * await pool.run(task).catch((e) => { throw reviveError(e) });  // in the caller
 */
export function serializeError(e: unknown): unknown {
  return e instanceof UserError ? ({ rewardlabUserError: { path: e.path, problem: e.problem } } satisfies SerializedUserError) : e;
}

/** The `UserError` that `serializeError` sent, rebuilt; anything else unchanged. */
export function reviveError(e: unknown): unknown {
  if (e === null || typeof e !== "object" || !("rewardlabUserError" in e)) return e;
  const data = (e as { rewardlabUserError: unknown }).rewardlabUserError as { path?: unknown; problem?: unknown } | null;
  if (typeof data?.path !== "string" || typeof data.problem !== "string") return e;
  return new UserError(data.path, data.problem);
}

/**
 * An error another process has already reported: a cluster worker's
 * `UserError`, sent to its primary, which prints it once. The CLI exits with
 * `exitCode` and prints nothing more.
 */
export class ReportedError extends Error {
  override readonly name = "ReportedError";

  constructor(
    readonly exitCode: number,
    readonly reported: unknown,
  ) {
    super(reported instanceof Error ? reported.message : String(reported));
  }
}
