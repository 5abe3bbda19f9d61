/** Every scorer kind a spec can name, by kind. */
import type { ScorerDefinition } from "../scorer.js";
import { answerScorers } from "./answers.js";
import { codeScorers } from "./code.js";
import { embeddingScorers } from "./embedding.js";
import { followUpScorers } from "./follow-up.js";
import { formatScorers } from "./format.js";
import { judgeScorers } from "./judge.js";
import { penaltyScorers } from "./penalties.js";
import { rewardModelScorers } from "./reward-model-http.js";
import { toolrlScorers } from "./toolrl.js";

const ALL: ScorerDefinition[][] = [answerScorers, formatScorers, toolrlScorers, penaltyScorers, judgeScorers as ScorerDefinition[], rewardModelScorers as ScorerDefinition[], followUpScorers as ScorerDefinition[], embeddingScorers, codeScorers];

export const SCORERS: ReadonlyMap<string, ScorerDefinition> = new Map(ALL.flat().map((d) => [d.kind, d]));
