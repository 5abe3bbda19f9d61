/**
 * Exploration bonuses, which a reward spec names as `intrinsic` terms (the
 * list of built-in modules is in rewards/intrinsic.ts):
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
 */
export type { ModuleBatch, ModuleInfo, RewardModule, RewardModuleFactory } from "./module.js";
export { countBonus, episodicCountBonus } from "./counts.js";
export { e3bBonus } from "./e3b.js";
export { episodicNoveltyBonus } from "./episodic-novelty.js";
export { rndBonus } from "./rnd.js";
export { exactHash, SimHash } from "./hash.js";
export { BonusOptions, BonusScale } from "./options.js";
