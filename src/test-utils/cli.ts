/** Runs the CLI in-process for tests: its exit code and what it printed. */
import { vi } from "vitest";
import { main } from "../cli/program.js";

export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args) => void out.push(args.join(" ")));
  vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
  try {
    const code = await main(argv);
    return { code, out: out.join("\n"), err: err.join("") };
  } finally {
    vi.restoreAllMocks();
  }
}
