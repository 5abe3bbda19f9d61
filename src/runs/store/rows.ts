/** Rows as the tables hold them ⇄ records as the `Store` hands them out. */
import type { Selectable } from "kysely";
import type { EpisodesTable, EvaluationsTable, RunsTable } from "./schema.js";
import type { Comparison, EpisodeRow, EvaluationRow, RunRecord } from "./types.js";

export function episodeColumns(runId: string, e: EpisodeRow): EpisodesTable {
  return {
    run_id: runId,
    step: e.step,
    env: e.env,
    length: e.length,
    return_total: e.return,
    return_primary: e.primary,
    success: Number.isNaN(e.success) ? null : e.success,
    terms: JSON.stringify(e.terms),
    trial_episode: e.trialEpisode,
  };
}

export function toEpisode(r: Selectable<EpisodesTable>): EpisodeRow {
  const terms = JSON.parse(r.terms) as Record<string, number | null>;
  for (const k in terms) if (terms[k] === null) terms[k] = NaN; // JSON has no NaN
  return {
    step: Number(r.step),
    env: Number(r.env),
    length: Number(r.length),
    return: Number(r.return_total),
    primary: Number(r.return_primary),
    success: r.success === null ? NaN : Number(r.success),
    trialEpisode: Number(r.trial_episode),
    terms: terms as Record<string, number>,
  };
}

export function evaluationColumns(runId: string, e: EvaluationRow): EvaluationsTable {
  return {
    run_id: runId,
    step: e.step,
    policy: e.policy,
    episode: e.episode,
    seed: e.seed,
    return_primary: e.primary,
    success: Number.isNaN(e.success) ? null : e.success,
    length: e.length,
  };
}

export function toEvaluation(r: Selectable<EvaluationsTable>): EvaluationRow {
  return {
    step: Number(r.step),
    policy: r.policy as EvaluationRow["policy"],
    episode: Number(r.episode),
    seed: Number(r.seed),
    primary: Number(r.return_primary),
    success: r.success === null ? NaN : Number(r.success),
    length: Number(r.length),
  };
}

export function toRun(r: Selectable<RunsTable>, tags: string[]): RunRecord {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    config: parseJson(r.config),
    seed: Number(r.seed),
    envId: r.env_id,
    reward: parseJson(r.reward),
    learner: r.learner,
    version: r.version,
    comparisonId: r.comparison_id,
    tags,
    pid: r.pid === null ? null : Number(r.pid),
    host: r.host,
    error: r.error,
  };
}

export function toComparison(r: { id: string; name: string; config: string; created_at: string }): Comparison {
  return { id: r.id, name: r.name, config: parseJson(r.config), createdAt: r.created_at };
}

export const parseJson = (s: string | null): unknown => (s === null ? null : JSON.parse(s));
/** Aggregates come back as numbers (SQLite) or numeric strings (PostgreSQL); NULL is NaN. */
export const num = (v: unknown): number => (v === null || v === undefined ? NaN : Number(v));
