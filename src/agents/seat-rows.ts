/**
 * The part of a rewarded vector of seats that a PPO learner reads when it
 * plays only some agents of each table: the rows of agent indices `agents`
 * (row i·m + j of the parent is agent j of table i), as consecutive rows
 * (table i, the a-th of `agents` at row i·|agents| + a). Filled by the
 * owner before the learner acts and before it observes; the view never
 * steps or resets the environments itself.
 */
import type { Space } from "../core/spaces.js";
import type { RewardedVector } from "../rewards/rewarded.js";

export class SeatRows {
  readonly vec: { n: number; obs: Float32Array; finalObs: Float32Array; terminated: Uint8Array; truncated: Uint8Array; observationSpace: Space; actionSpace: Space; obsSize: number };
  readonly rewards: Float32Array;

  constructor(
    readonly parent: RewardedVector,
    readonly agents: readonly number[],
    readonly m: number,
  ) {
    const { vec } = parent;
    const rows = (vec.n / m) * agents.length;
    const size = vec.obsSize;
    this.vec = {
      n: rows,
      obs: new Float32Array(rows * size),
      finalObs: new Float32Array(rows * size),
      terminated: new Uint8Array(rows),
      truncated: new Uint8Array(rows),
      observationSpace: vec.observationSpace,
      actionSpace: vec.actionSpace,
      obsSize: size,
    };
    this.rewards = new Float32Array(rows);
  }

  /** The parent resets the environments; a learner asking to does nothing. */
  reset(): void {}

  /** Copies these agents' observations (before they act). */
  gatherObs(): void {
    gatherSeats(this.parent.vec.obs, this.vec.obs, this.agents, this.m, this.parent.vec.obsSize);
  }

  /** Copies these agents' step results (before they observe). */
  gatherStep(): void {
    const { parent, agents, m, vec } = this;
    const size = parent.vec.obsSize;
    gatherSeats(parent.vec.obs, vec.obs, agents, m, size);
    gatherSeats(parent.vec.finalObs, vec.finalObs, agents, m, size);
    const k = agents.length;
    for (let r = 0; r < vec.n; r++) {
      const p = Math.floor(r / k) * m + agents[r % k];
      this.rewards[r] = parent.rewards[p];
      vec.terminated[r] = parent.vec.terminated[p];
      vec.truncated[r] = parent.vec.truncated[p];
    }
  }

  /** Writes these rows' actions (`size` numbers each) into the parent's action rows. */
  scatterActions(own: ArrayLike<number>, into: Int32Array | Float32Array, size: number): void {
    const { agents, m } = this;
    const k = agents.length;
    for (let r = 0; r < this.vec.n; r++) {
      const p = Math.floor(r / k) * m + agents[r % k];
      for (let d = 0; d < size; d++) into[p * size + d] = own[r * size + d];
    }
  }
}

/** Rows i·m + agents[a] of `from` (rows of `size`) into row i·|agents| + a of `into`. */
export function gatherSeats(from: Float32Array, into: Float32Array, agents: readonly number[], m: number, size: number): void {
  const k = agents.length;
  const rows = into.length / size;
  for (let r = 0; r < rows; r++) {
    const p = Math.floor(r / k) * m + agents[r % k];
    into.set(from.subarray(p * size, (p + 1) * size), r * size);
  }
}
