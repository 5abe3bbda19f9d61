import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { processAlive, processStart } from "./liveness.js";

const procfs = existsSync("/proc/self/stat");

describe("processAlive", () => {
  test("this process is alive; a pid above Linux's highest is not", () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 1)).toBe(false);
  });

  test.skipIf(!procfs)("a pid with another start time is another process (the pid was reused)", () => {
    const start = processStart();
    expect(start).toMatch(/^[0-9a-f-]*:\d+$/);
    expect(processAlive(process.pid, start)).toBe(true);
    expect(processAlive(process.pid, `${start}0`)).toBe(false);
  });

  test.skipIf(!procfs)("a killed process that its parent has not reaped (a zombie) is dead, though signal 0 still finds it", async () => {
    // The shell starts `sleep 0.3`, then becomes `sleep 5`, which never waits for it. (With `sleep 0` a
    // loaded machine could let the child end, and the shell reap it, before the exec: no zombie.)
    const parent = spawn("sh", ["-c", "sleep 0.3 & echo $!; exec sleep 5"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const [chunk] = (await once(parent.stdout, "data")) as [Buffer];
      const pid = Number(chunk.toString().trim());
      const deadline = Date.now() + 3000;
      while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(processAlive(pid)).toBe(false);
      expect(() => process.kill(pid, 0)).not.toThrow(); // still in the process table
    } finally {
      parent.kill("SIGKILL");
    }
  });
});
