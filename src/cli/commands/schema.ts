/** `rewardlab schema NAME`: the JSON Schema of a config, for editors. */
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import { AgenticSpec } from "../../agentic/spec.js";
import { Trajectory } from "../../agentic/trajectory.js";
import { SCHEMAS as RUN_SCHEMAS } from "../../runs/config.js";

const SCHEMAS: Record<string, z.ZodType> = { ...RUN_SCHEMAS, trajectory: Trajectory, agentic: AgenticSpec };

export function schema(name: string): void {
  const s = SCHEMAS[name];
  if (!s) throw new UserError("schema", `unknown schema ${JSON.stringify(name)}${didYouMean(name, Object.keys(SCHEMAS))}; known: ${Object.keys(SCHEMAS).join(", ")}`);
  console.log(JSON.stringify(z.toJSONSchema(s, { io: "input" }), null, 2));
}
