/**
 * Exploration bonuses, registered as `intrinsic` reward terms:
 *
 * ```yaml
 * terms:
 *   - {kind: task}
 *   - {kind: intrinsic, module: count, weight: 0.01, options: {hash: simhash, bits: 32}}
 *   - {kind: intrinsic, module: episodic-count, weight: 0.01}
 *   - {kind: intrinsic, module: e3b, weight: 0.01, options: {features: 32}}
 *   - {kind: intrinsic, module: rnd, weight: 0.01}   # the learner trains its predictor between rollouts
 *   # global × episodic (Henaff et al.'s robust default) is a product of two terms:
 *   - {kind: combine, op: product, terms: [{kind: intrinsic, module: count}, {kind: intrinsic, module: episodic-count}]}
 * ```
 *
 * Importing this module registers them (the CLI and `rewardlab`'s entry do).
 */
import { registerIntrinsic } from "../rewards/intrinsic.js";
import { countBonus, episodicCountBonus } from "./counts.js";
import { e3bBonus } from "./e3b.js";
import { episodicNoveltyBonus } from "./episodic-novelty.js";
import { rndBonus } from "./rnd.js";
import { adversarialReward } from "../learn/irl/adversarial.js";
import { progressReward } from "../learn/progress.js";

registerIntrinsic("count", countBonus);
registerIntrinsic("episodic-count", episodicCountBonus);
registerIntrinsic("e3b", e3bBonus);
registerIntrinsic("episodic-novelty", episodicNoveltyBonus);
registerIntrinsic("rnd", rndBonus);
// Not a bonus but learned online the same way: an imitation reward from demonstrations.
registerIntrinsic("adversarial", adversarialReward);
// Outcome-only credit assignment: per-step contributions that add up to the episode's outcome.
registerIntrinsic("progress", progressReward);

export { countBonus, episodicCountBonus } from "./counts.js";
export { e3bBonus } from "./e3b.js";
export { episodicNoveltyBonus } from "./episodic-novelty.js";
export { rndBonus } from "./rnd.js";
export { exactHash, SimHash } from "./hash.js";
export { BonusOptions, BonusScale } from "./options.js";
