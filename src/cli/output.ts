/**
 * Files the commands write (`--out`, `--report`, `--plot`, `--record`,
 * `--db`): checked before the work that produces them, and written with
 * errors that name the option. A folder given for a file, or a file in a
 * folder that does not exist, is one line (`error: --out: … is a folder;
 * expected a file`) and exit 2, not an EISDIR after minutes of scoring.
 */
import { accessSync, appendFileSync, constants, mkdirSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import { open } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UserError } from "../core/errors.js";

export interface OutputOptions {
  /** Missing parent folders are created when writing (reports); otherwise the parent must exist. */
  createDirs?: boolean;
}

/**
 * Throws a `UserError` at `option` unless `path` can be written as a file:
 * it is not a folder, its folder exists (or, with `createDirs`, can be
 * created) and is writable.
 *
 * @example
 * checkOutputFile(opts.out, "--out"); // before scoring, not after
 */
export function checkOutputFile(path: string, option: string, options: OutputOptions = {}): void {
  const shown = JSON.stringify(path);
  if (path.trim() === "") throw new UserError(option, "expected a file path, got an empty string");
  const target = statOrUndefined(path, option);
  if (target?.isDirectory()) throw new UserError(option, `${shown} is a folder; expected a file path`);
  // The nearest folder that exists: the parent itself, unless folders may be created.
  let dir = dirname(resolve(path));
  let st = statOrUndefined(dir, option);
  if (!st && !options.createDirs) throw new UserError(option, `cannot write ${shown}: the folder ${JSON.stringify(dir)} does not exist`);
  while (!st) {
    dir = dirname(dir);
    st = statOrUndefined(dir, option);
  }
  if (!st.isDirectory()) throw new UserError(option, `cannot write ${shown}: ${JSON.stringify(dir)} is a file, not a folder`);
  try {
    accessSync(target ? path : dir, constants.W_OK);
  } catch (e) {
    throw new UserError(option, `cannot write ${shown} (${errnoText(e)})`);
  }
}

/**
 * Throws a `UserError` at `option` unless `path` can be a folder of outputs:
 * it is a folder, or does not exist and can be created.
 */
export function checkOutputFolder(path: string, option: string): void {
  if (path.trim() === "") throw new UserError(option, "expected a folder path, got an empty string");
  const target = statOrUndefined(path, option);
  if (target && !target.isDirectory()) throw new UserError(option, `${JSON.stringify(path)} is a file; expected a folder`);
  let dir = resolve(path);
  let st = target;
  while (!st) {
    dir = dirname(dir);
    st = statOrUndefined(dir, option);
  }
  if (!st.isDirectory()) throw new UserError(option, `cannot create ${JSON.stringify(path)}: ${JSON.stringify(dir)} is a file, not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new UserError(option, `cannot write in ${JSON.stringify(dir)} (${errnoText(e)})`);
  }
}

/** Writes (or appends) `text` to `path`; a failure is a `UserError` at `option`. */
export function writeOutputFile(path: string, text: string, option: string, options: OutputOptions & { append?: boolean } = {}): void {
  withOutputErrors(path, option, () => {
    if (options.createDirs) mkdirSync(dirname(resolve(path)), { recursive: true });
    if (options.append) appendFileSync(path, text);
    else writeFileSync(path, text);
  });
}

/**
 * Writes `path` as `produce` hands it text, through `path.partial` renamed
 * when `produce` is done, so an interrupted or failed run leaves no
 * half-written file. Opening and renaming errors are `UserError`s at `option`.
 */
export async function writeWhole<T>(path: string, option: string, produce: (write: (text: string) => Promise<unknown>) => Promise<T>): Promise<T> {
  const partial = `${path}.partial`;
  const writer = await open(partial, "w").catch((e: unknown) => {
    throw outputError(e, partial, option);
  });
  try {
    const result = await produce((text) => writer.write(text));
    await writer.close();
    withOutputErrors(path, option, () => renameSync(partial, path));
    return result;
  } catch (e) {
    await writer.close().catch(() => {});
    rmSync(partial, { force: true });
    throw e;
  }
}

/** Runs `write`; a file-system error (EISDIR, ENOENT, EACCES, ENOSPC, …) becomes a `UserError` at `option`. */
export function withOutputErrors<T>(path: string, option: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    throw outputError(e, path, option);
  }
}

/** A file-system error writing `path` as a `UserError` at `option`; any other error unchanged. */
export function outputError(e: unknown, path: string, option: string): unknown {
  return isErrno(e) ? new UserError(option, `cannot write ${JSON.stringify(path)} (${errnoText(e)})`) : e;
}

function statOrUndefined(path: string, option: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR") throw new UserError(option, `cannot write ${JSON.stringify(path)}: a folder on its path is a file`);
    throw new UserError(option, `cannot write ${JSON.stringify(path)} (${errnoText(e)})`);
  }
}

function isErrno(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && typeof (e as NodeJS.ErrnoException).syscall === "string";
}

const ERRNO: Record<string, string> = {
  EISDIR: "it is a folder",
  ENOENT: "its folder does not exist",
  ENOTDIR: "a folder on its path is a file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  ENAMETOOLONG: "the name is too long",
};

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  return ERRNO[code] ?? (code || String(e));
}
