/**
 * Counterfactual experiences (CRM, Toro Icarte et al., JAIR 2022) for the
 * tabular Q-learner: after each real step, the same environment transition
 * is replayed from every machine state u, with the reward the spec would
 * have paid from there.
 *
 * The counterfactual reward is the step's total with the machine's terms
 * swapped: terms that do not read the machine pay the same from every u; a
 * term `rm.reward` (weight w) pays w·r_u; a potential on `rm.potential`
 * (weight w, discount γ) pays w·(γ·V(u′)·(1 − terminal) − V(u)). A spec that
 * reads the machine any other way (the total would have to be recomputed
 * through the whole program) is refused at construction.
 */
import { UserError } from "../core/errors.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import type { MachineProduct } from "../rewards/machines/product.js";

interface MachineTerm {
  index: number;
  kind: "reward" | "potential";
  weight: number;
  gamma: number;
}

/** How to recompute the reward of a transition from another machine state. */
export class CounterfactualReward {
  private readonly terms: MachineTerm[];

  constructor(private readonly env: RewardedVector) {
    const spec = env.program.spec;
    this.terms = [];
    env.program.terms.forEach((info, index) => {
      const term = spec.terms[index] as { kind: string; expr?: unknown; phi?: unknown; gamma?: number; transforms?: unknown[] };
      const text = JSON.stringify(term);
      if (!text.includes("rm.")) return;
      const plain = (term.transforms?.length ?? 0) === 0;
      if (term.kind === "expression" && String(term.expr).trim() === "rm.reward" && plain) this.terms.push({ index, kind: "reward", weight: info.weight, gamma: 0 });
      else if (term.kind === "potential" && String(term.phi).trim() === "rm.potential" && plain) this.terms.push({ index, kind: "potential", weight: info.weight, gamma: term.gamma ?? 0.99 });
      else throw new UserError(`reward.terms[${index}]`, `counterfactual experiences (CRM) can recompute only "rm.reward" and a potential on "rm.potential" per machine state; term ${JSON.stringify(info.name)} reads the machine otherwise (set crm: false)`);
    });
    if (spec.transforms.length > 0) throw new UserError("reward.transforms", "counterfactual experiences (CRM) need a total without transforms (set crm: false)");
  }

  /** The reward of environment i's last transition had the machine been in state u (going to u′, terminal or not). */
  reward(i: number, product: MachineProduct, u: number, uNext: number, rU: number, terminal: boolean): number {
    const { reward } = this.env;
    let r = reward.total64[i];
    for (const t of this.terms) {
      r -= reward.terms[t.index][i];
      if (t.kind === "reward") r += t.weight * rU;
      else {
        const V = product.machine.potential;
        r += t.weight * (t.gamma * (terminal ? 0 : V[uNext]) - V[u]);
      }
    }
    return r;
  }
}
