/**
 * A text world as an environment rewardlab's learners train on, so a small
 * text policy learns in-process with no model endpoint: the observation is
 * the text the world says, hashed into a bag of words and word pairs
 * (feature hashing: `dims` buckets, FNV-1a, counts scaled by 1/√words), and
 * an action is one of the world's action words, sent as `Action: WORD`.
 *
 * The environment's reward is the task's own (the world's primary); what
 * the world's spec adds on top (its shaping, its turn rewards) is the
 * feature `turn.shaping`, so `{terms: [{kind: task}]}` trains on the sparse
 * outcome and `{terms: [{kind: task}, {kind: expression, expr:
 * turn.shaping}]}` on the dense turn rewards, both judged on the task.
 */
import { Box, Discrete } from "../../core/spaces.js";
import { EnvCore, feature, type Feature } from "../../envs/core.js";
import type { TextEnv } from "./text-env.js";

export interface TextCoreOptions {
  /** The words an action may be (`left`, `forward`, …). */
  actions: readonly string[];
  /** How an action word is said (default `Action: WORD`). */
  say?: (word: string) => string;
  /** Hash buckets of the observation (default 1024). */
  dims?: number;
  /** Turns per episode. */
  maxSteps: number;
}

export class TextCore extends EnvCore {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly events = ["success"] as const;
  readonly features: readonly Feature<TextCore>[] = [feature<TextCore>("turn.shaping", "the world's reward this turn beyond the task's own (its shaping)", (c) => c.shaping)];
  readonly maxSteps: number;
  /** The last turn's reward beyond the task's. */
  shaping = 0;
  private text = "";
  private worldTruncated = false;
  private readonly dims: number;

  constructor(
    private readonly world: TextEnv,
    private readonly options: TextCoreOptions,
  ) {
    super();
    this.dims = options.dims ?? 1024;
    this.observationSpace = new Box(0, 1, [this.dims]);
    this.actionSpace = new Discrete(options.actions.length);
    this.maxSteps = options.maxSteps;
  }

  protected generate(): void {
    this.shaping = 0;
    this.worldTruncated = false;
    // The world's own seed comes from this core's stream: environments seeded alike start alike (RLOO's groups).
    this.text = this.world.reset(this.rng.int(2 ** 31));
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    const word = this.options.actions[actions[offset]];
    const step = this.world.step(this.options.say ? this.options.say(word) : `Action: ${word}`);
    this.text = step.observation;
    this.shaping = step.reward - step.primary;
    if (step.terminated) this.terminated = true;
    if (step.truncated) this.worldTruncated = true;
    if (step.success) this.eventMask |= 1;
    return step.primary;
  }

  override step(actions: ArrayLike<number>, actionOffset: number, obs: Float32Array, offset: number): number {
    const reward = super.step(actions, actionOffset, obs, offset);
    if (this.worldTruncated && !this.terminated) this.truncated = true;
    return reward;
  }

  observe(obs: Float32Array, offset: number): void {
    hashWords(this.text, obs, offset, this.dims);
  }

  render(): string {
    return this.text;
  }
}

/** Words and adjacent word pairs of `text`, hashed into obs[offset … offset + dims), scaled by 1/√(words). */
export function hashWords(text: string, obs: Float32Array, offset: number, dims: number): void {
  obs.fill(0, offset, offset + dims);
  const words = text.toLowerCase().match(/[a-z]+|\d+/g) ?? [];
  if (words.length === 0) return;
  const w = 1 / Math.sqrt(words.length);
  let prev = 0;
  for (let i = 0; i < words.length; i++) {
    const h = fnv1a(words[i]);
    obs[offset + (h % dims)] += w;
    if (i > 0) obs[offset + (((Math.imul(prev, 31) + h) >>> 0) % dims)] += w;
    prev = h;
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
