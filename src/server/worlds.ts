/**
 * Text worlds over HTTP, for trainers that run their own rollouts (verl's
 * multi-turn Interaction, a TRL environment, a script): a session per
 * episode.
 *
 * - `POST /v1/worlds` `{world, seed, kwargs?, reward?}` → `{id, system, observation, tools}`:
 *   a new episode of the world (a gridworld id, `TwentyQuestions`, `ToolUse`).
 * - `POST /v1/worlds/:id/step` `{message}` → the turn: `{observation, reward,
 *   primary, terms, events, terminated, truncated, action?, invalid?, success?}`.
 * - `DELETE /v1/worlds/:id`: ends the session.
 *
 * At most `maxSessions` are kept (default 4096); beyond, the one used least
 * recently is dropped, and stepping it is a 404 naming it.
 */
import type { FastifyInstance } from "fastify";
import { randomBytes } from "node:crypto";
import { UserError } from "../core/errors.js";
import { textWorld } from "../agentic/worlds/index.js";
import type { TextEnv } from "../agentic/worlds/text-env.js";

const StartBody = {
  type: "object",
  properties: {
    world: { type: "string", minLength: 1 },
    seed: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    kwargs: { type: "object" },
    reward: { type: "object" },
  },
  required: ["world", "seed"],
  additionalProperties: false,
} as const;

const StepBody = { type: "object", properties: { message: { type: "string" } }, required: ["message"], additionalProperties: false } as const;

export function worldRoutes(app: FastifyInstance, maxSessions = 4096): void {
  /** Sessions in order of last use (a Map keeps insertion order: re-inserted on use). */
  const sessions = new Map<string, TextEnv>();
  const touch = (id: string, env: TextEnv) => {
    sessions.delete(id);
    sessions.set(id, env);
    while (sessions.size > maxSessions) sessions.delete(sessions.keys().next().value!);
  };

  app.post("/v1/worlds", { schema: { body: StartBody } }, async (request) => {
    const body = request.body as { world: string; seed: number; kwargs?: Record<string, unknown>; reward?: unknown };
    let env: TextEnv;
    try {
      env = textWorld(body.world, { ...(body.kwargs ? { kwargs: body.kwargs } : {}), ...(body.reward ? { reward: body.reward } : {}) });
    } catch (e) {
      // Paths named in the world's own errors (env.id, reward.terms[0]) are under the body here.
      if (e instanceof UserError) throw new UserError(`body.${e.path === "env.id" ? "world" : e.path}`, e.problem);
      throw e;
    }
    let observation: string;
    try {
      observation = env.reset(body.seed);
    } catch (e) {
      if (e instanceof UserError) throw new UserError("body.seed", e.problem);
      throw e;
    }
    const id = randomBytes(8).toString("hex");
    touch(id, env);
    return { id, system: env.system, observation, tools: env.tools ?? [] };
  });

  app.post("/v1/worlds/:id/step", { schema: { body: StepBody } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const env = sessions.get(id);
    if (!env) return reply.code(404).send({ error: `world session ${JSON.stringify(id)}: no such session (ended, or dropped as the least recently used of ${maxSessions})` });
    touch(id, env);
    return env.step((request.body as { message: string }).message);
  });

  app.delete("/v1/worlds/:id", async (request, reply) => {
    const { id } = request.params as { id: string };
    sessions.delete(id);
    return reply.code(204).send();
  });
}
