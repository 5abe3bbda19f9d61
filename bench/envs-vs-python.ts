/**
 * rewardlab's environments beside their Python originals, in alternation in
 * this process's CPU set (pin it: `taskset -c 1 node …`): Gymnasium's
 * CartPole-v1 and, if MiniGrid is importable, MiniGrid-DoorKey-8x8-v0,
 * stepped by bench/python/gym_steps.py; rewardlab's by `bench envs`.
 *
 *   PYTHONPATH=… node dist/bench/envs-vs-python.js python3 [rounds] [seconds]
 *
 * Prints one JSON object per measurement, then the medians and ratios.
 */
import { execFileSync } from "node:child_process";
import { packageFile } from "../src/core/paths.js";
import { envsSuite } from "./envs.js";

const PAIRS: [ours: string, theirs: string][] = [
  ["CartPole-v1", "CartPole-v1"],
  ["DoorKey-8x8", "MiniGrid-DoorKey-8x8-v0"],
];

const [python = "python3", roundsArg = "3", secondsArg = "2"] = process.argv.slice(2);
const rows: Record<string, number[]> = {};
const push = (name: string, value: number) => (rows[name] ??= []).push(value);
for (let round = 0; round < Number(roundsArg); round++) {
  for (const [ours, theirs] of PAIRS) {
    try {
      const out = execFileSync(python, [packageFile("bench/python/gym_steps.py"), theirs, secondsArg, "5"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      const peer = JSON.parse(out.trim().split("\n").pop()!) as { median: number };
      push(`${theirs} (Python)`, peer.median);
      console.log(JSON.stringify({ round, env: theirs, side: "python", stepsPerSecond: peer.median }));
    } catch (e) {
      console.log(JSON.stringify({ round, env: theirs, side: "python", error: String((e as Error).message).split("\n")[0] }));
    }
    for (const figure of envsSuite(Number(secondsArg), [ours])) {
      push(figure.name, figure.value);
      console.log(JSON.stringify({ round, env: ours, side: "rewardlab", name: figure.name, stepsPerSecond: figure.value }));
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [name, values] of Object.entries(rows)) console.log(`${name}: median ${Math.round(median(values))} steps/s (${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))})`);
for (const [ours, theirs] of PAIRS) {
  const peer = rows[`${theirs} (Python)`];
  if (!peer) continue;
  for (const kind of ["single", "vector64"]) {
    const mine = rows[`${ours.toLowerCase()}/${kind}`];
    console.log(`${ours.toLowerCase()}/${kind} ÷ ${theirs}: ${(median(mine) / median(peer)).toFixed(1)}×`);
  }
}
