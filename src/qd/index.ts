/** Quality-diversity search over small policies: MAP-Elites and novelty search. */
export { mapElites, MapElitesConfig, type Elite, type MapElitesOptions, type MapElitesResult } from "./map-elites.js";
export { novelty, noveltySearch, NoveltySearchConfig, type NoveltySearchOptions, type NoveltySearchResult } from "./novelty.js";
export { act, mutate, parameterCount, randomParameters, rollout, type Outcome, type PolicyShape } from "./policy.js";
