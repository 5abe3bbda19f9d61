/** Quality-diversity search over small policies (MAP-Elites so far). */
export { mapElites, MapElitesConfig, type Elite, type MapElitesOptions, type MapElitesResult } from "./map-elites.js";
export { act, mutate, parameterCount, randomParameters, rollout, type Outcome, type PolicyShape } from "./policy.js";
