/** Every task of the range equally likely, whatever the learner does: the baseline curricula are compared with. */
import type { Rng } from "../core/rng.js";
import type { Curriculum, TaskRange } from "./curriculum.js";

export class Uniform implements Curriculum {
  readonly kind = "uniform";
  constructor(private readonly range: TaskRange) {}

  next(rng: Rng): number {
    return this.range.start + rng.int(this.range.end - this.range.start);
  }

  record(): void {}

  state(): unknown {
    return {};
  }

  load(): void {}
}
