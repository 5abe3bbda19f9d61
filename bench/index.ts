/** The benchmark suites, by name. `all` runs every one. */
import { scoringSuite, serverSuite } from "./agentic.js";
import { allEnvsSuite, envsSuite } from "./envs.js";
import type { Figure } from "./harness.js";
import { intrinsicSuite } from "./intrinsic.js";
import { rewardsSuite } from "./rewards.js";
import { runnerSuite, textSuite } from "./text.js";
import { trainSuite } from "./train.js";

export const SUITES: Record<string, (seconds: number) => Iterable<Figure> | AsyncIterable<Figure>> = {
  envs: (seconds) => envsSuite(seconds),
  "envs-all": (seconds) => allEnvsSuite(seconds),
  rewards: (seconds) => rewardsSuite(seconds),
  intrinsic: (seconds) => intrinsicSuite(seconds),
  train: () => trainSuite(),
  scoring: (seconds) => scoringSuite(seconds),
  server: (seconds) => serverSuite(seconds),
  text: (seconds) => textSuite(seconds),
  runner: (seconds) => runnerSuite(seconds),
};

export { formatFigure, header, type Figure } from "./harness.js";
