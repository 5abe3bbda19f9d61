/**
 * What the routes do with a request before and after scoring: a body's
 * JSON Schema, JSON parsing that refuses prototype-poisoning keys, the 400
 * for a trajectory with no response, and a signal for a client that left.
 */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { UserError } from "../core/errors.js";

/** A zod schema as a draft-7 JSON Schema for Fastify's validator. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", target: "draft-7", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

/**
 * A signal that aborts when the client goes away before its reply is sent.
 * (Fastify's `request.signal` follows the request stream, which closes as
 * soon as the body has been read, so it cannot tell.)
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const res = reply.raw;
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new Error("the client closed the connection"));
  });
  return controller.signal;
}

/** `body[key]` when it is a list, else [] (the schema reports what else is wrong). */
export function listAt(body: unknown, key: string): unknown[] {
  const v = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  return Array.isArray(v) ? v : [];
}

/**
 * Where a trajectory object (before the schema's defaults) has no response:
 * no `answer` key and no assistant message in `turns`. `answer: ""` is a
 * response (an empty one); `{}` is not, and scoring it as an empty answer
 * would hand a trainer a reward for nothing it sent.
 */
export function missingResponse(t: unknown): boolean {
  if (typeof t !== "object" || t === null || Array.isArray(t)) return false; // the schema's error
  const o = t as Record<string, unknown>;
  if (Object.hasOwn(o, "answer")) return false;
  return !(Array.isArray(o.turns) && o.turns.some((m) => typeof m === "object" && m !== null && (m as { role?: unknown }).role === "assistant"));
}

/**
 * Hooks that make a trajectory with no response a 400 naming its path
 * (`body.trajectories[3].answer: missing; …`). The body is looked at before
 * validation (which fills `answer: ""` in), and the error is raised after
 * it, so a body that is wrong in other ways gets the schema's error.
 */
export function requireResponses(locate: (body: unknown) => [string, unknown][]) {
  const found = new WeakMap<object, UserError>();
  return {
    preValidation(request: { body: unknown }, _reply: unknown, done: () => void): void {
      for (const [path, t] of locate(request.body)) {
        if (missingResponse(t)) {
          found.set(request, new UserError(`${path}.answer`, "missing; a trajectory needs its response: `answer`, or an assistant message in `turns`"));
          break;
        }
      }
      done();
    },
    preHandler(request: object, _reply: unknown, done: (e?: Error) => void): void {
      done(found.get(request));
    },
  };
}

/**
 * JSON.parse, refusing prototype-poisoning keys (`__proto__`, and
 * `constructor` holding `prototype`). Fastify's default parser scans every
 * body for them, which costs more than parsing; here bodies are scanned only
 * when the key's text appears at all, which ordinary trajectories never do.
 */
export function parseJsonBody(body: string): unknown {
  if (body.length === 0) throw Object.assign(new Error("empty; expected JSON"), { code: "FST_ERR_CTP_EMPTY_JSON_BODY" });
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    // JSON.parse quotes the body in its message: control characters there would break the one-line error.
    throw new Error(`not valid JSON (${(e as Error).message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)})`);
  }
  if (body.includes('"__proto__"') || body.includes('"constructor"')) {
    JSON.parse(body, function (this: Record<string, unknown>, key, v) {
      if (key === "__proto__" || (key === "constructor" && typeof v === "object" && v !== null && "prototype" in v)) throw new Error(`key ${JSON.stringify(key)} is not accepted`);
      return v;
    });
  }
  return value;
}
