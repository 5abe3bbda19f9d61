/** Parsing of command-line values, with errors that name the option. */
import { UserError } from "../core/errors.js";
import { parseConfigText } from "../core/config.js";

/** An integer option, `min` to `max` (a bound for counts that would otherwise run for ever, such as steps). */
export function intOption(value: string | undefined, name: string, min = 0, max?: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new UserError(name, `expected an integer ${range(min, max)}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function numberOption(value: string | undefined, name: string, min = 0, max?: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isFinite(n) || n < min || (max !== undefined && n > max)) {
    throw new UserError(name, `expected a number ${range(min, max)}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function range(min: number, max: number | undefined): string {
  return max === undefined ? `≥ ${min}` : `from ${min} to ${max.toLocaleString("en")}`;
}

/** `--kwargs '{"size": 6}'` (JSON or YAML flow) as an object. */
export function kwargsOption(value: string | undefined, name = "--kwargs"): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const parsed = parseConfigText(value, name);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UserError(name, `expected an object such as '{"size": 6}', got ${JSON.stringify(value)}`);
  }
  return parsed as Record<string, unknown>;
}
