/**
 * Keyword-argument pieces every bandit shares, and the shape checks for
 * per-arm lists (`means`, `alpha`) and per-arm vectors (`arms`, `thetas`),
 * which report at the exact path: `env.kwargs.means`, `env.kwargs.thetas[2]`.
 */
import { z } from "zod";

export const armCount = (byDefault: number) => z.number().int().min(1).max(10_000).default(byDefault).describe("k: the number of arms");
export const horizon = z.number().int().min(1).default(100).describe("pulls per episode; the episode is truncated (never terminated) after them");
export const rewardStd = (byDefault: number) => z.number().min(0).default(byDefault).describe("σ: the standard deviation of the Gaussian reward noise");

type Ctx = z.core.$RefinementCtx;

/** Adds an issue unless `list` has one entry per arm. */
export function checkPerArm(ctx: Ctx, list: readonly unknown[] | undefined, k: number, path: string, what: string): void {
  if (list === undefined || list.length === k) return;
  ctx.addIssue({ code: "custom", path: [path], input: list, message: `expected ${k} ${what} (one per arm, k = ${k}), got a list of ${list.length}` });
}

/** Adds an issue unless `rows` is k lists of d numbers. */
export function checkArmVectors(ctx: Ctx, rows: readonly (readonly number[])[] | undefined, k: number, d: number, path: string, what: string): void {
  if (rows === undefined) return;
  if (rows.length !== k) {
    ctx.addIssue({ code: "custom", path: [path], input: rows, message: `expected ${k} ${what} (one per arm, k = ${k}), got a list of ${rows.length}` });
    return;
  }
  rows.forEach((row, a) => {
    if (row.length !== d) ctx.addIssue({ code: "custom", path: [path, a], input: row, message: `expected ${d} numbers (dim = ${d}), got a list of ${row.length}` });
  });
}
