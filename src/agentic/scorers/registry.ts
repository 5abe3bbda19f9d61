/** Every scorer kind a spec can name, by kind. */
import type { ScorerDefinition } from "../scorer.js";

const ALL: ScorerDefinition[][] = [];

export const SCORERS: ReadonlyMap<string, ScorerDefinition> = new Map(ALL.flat().map((d) => [d.kind, d]));
