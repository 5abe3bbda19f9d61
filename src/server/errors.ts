/**
 * Error replies: always JSON `{"error": "<path>: <what was expected>"}`,
 * one line, never a stack trace. Validation errors name the body path the
 * way config errors do (`body.trajectory.turns[0].role`).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { UserError } from "../core/errors.js";

/** An Ajv error as `body.a.b[0]: message`. */
function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const segments = first.instancePath.split("/").slice(1).map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s.replace(/~1/g, "/").replace(/~0/g, "~")}`));
  let path = `${error.validationContext ?? "body"}${segments.join("")}`;
  const params = first.params as Record<string, unknown>;
  let problem = first.message ?? "is invalid";
  if (first.keyword === "additionalProperties") {
    path += `.${String(params.additionalProperty)}`;
    problem = "unknown key";
  } else if (first.keyword === "required") {
    path += `.${String(params.missingProperty)}`;
    problem = "missing";
  } else if (first.keyword === "enum") {
    problem = `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  } else if (first.keyword === "type") {
    problem = `expected ${String(params.type)}`;
  }
  const more = error.validation!.length > 1 ? ` (and ${error.validation!.length - 1} more)` : "";
  return `${path}: ${problem}${more}`;
}

export function errorHandler(error: FastifyError | UserError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof UserError) {
    void reply.code(400).send({ error: error.message });
    return;
  }
  const e = error as FastifyError;
  if (e.validation) {
    void reply.code(400).send({ error: validationMessage(e) });
    return;
  }
  const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
  if (status === 500) request.log.error(error);
  const message =
    e.code === "FST_ERR_CTP_BODY_TOO_LARGE"
      ? "body: too large; send fewer trajectories per request or raise --body-limit"
      : e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
        ? "content-type: expected application/json"
        : e.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
          ? "body: empty; expected JSON"
          : status === 500
            ? "internal error while scoring (logged on the server)"
            : status === 429
              ? e.message
              : `body: ${e.message}`;
  void reply.code(status).send({ error: message });
}
