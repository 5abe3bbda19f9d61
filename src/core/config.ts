/**
 * Config loading: YAML or JSON, validated by zod schemas, with errors that
 * name the path and say what was expected and what was given:
 *
 *   env.kwargs.size: expected an integer ≥ 5, got "eight"
 */
import { readFileSync } from "node:fs";
import { isMap, isNode, isScalar, isSeq, parseDocument, type YAMLWarning } from "yaml";
import { z } from "zod";
import { joinPath, showValue, UserError } from "./errors.js";
import { didYouMean, editDistance } from "./suggest.js";

/** Validates `data` against `schema`; throws a one-line `UserError` on the first problem. */
export function parseConfig<S extends z.ZodType>(schema: S, data: unknown, rootPath = ""): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  throw issueToError(schema, result.error.issues, rootPath);
}

/** Reads a `.yaml`, `.yml` or `.json` file and validates it. */
export function loadConfigFile<S extends z.ZodType>(file: string, schema: S, rootPath = ""): z.output<S> {
  return inFile(file, () => parseConfig(schema, readConfigFile(file), rootPath));
}

/** `f()`, with an error about the whole document (an empty path: a list where an object belongs) naming the file. */
export function inFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UserError && e.path === "") throw new UserError(file, e.problem);
    throw e;
  }
}

/** Reads YAML or JSON into plain data; a syntax error names the file, line and column. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(file, code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(e)})`);
  }
  return parseConfigText(text, file);
}

/**
 * Parses YAML (of which JSON is a subset) text. A syntax error, and anything
 * the YAML library would only warn about (a tag such as `!!js/function`,
 * which it would print as four lines and then read as a string), is a
 * one-line error naming the file, line and column.
 */
export function parseConfigText(text: string, source = "config"): unknown {
  // logLevel "silent": warnings are ours to report, not printed by the library.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: "silent" });
  const where = (e: { linePos?: readonly { line: number; col: number }[] }) => (e.linePos?.[0] ? `${source}:${e.linePos[0].line}:${e.linePos[0].col}` : source);
  const firstLine = (message: string) => message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  const error = doc.errors[0];
  if (error) throw new UserError(where(error), `not valid YAML or JSON (${firstLine(error.message)})`);
  const warning = doc.warnings[0];
  if (warning) throw warningError(doc.contents, warning, where(warning), firstLine(warning.message));
  try {
    return doc.toJS();
  } catch (e) {
    // Errors the parser leaves to conversion (an alias to no anchor): still the user's text.
    throw new UserError(source, `not valid YAML or JSON (${firstLine((e as Error).message)})`);
  }
}

/** A YAML warning as an error: for an unknown tag, the tag and the key it is on (`name`, `terms[1].expr`). */
function warningError(contents: unknown, warning: YAMLWarning, where: string, message: string): UserError {
  const tag = /^Unresolved tag: (.+)$/.exec(message)?.[1];
  if (warning.code !== "TAG_RESOLVE_FAILED" || tag === undefined) return new UserError(where, `not valid YAML or JSON (${message})`);
  // The tagged value is the first node after the tag.
  const nodes: { start: number; path: (string | number)[] }[] = [];
  const collect = (node: unknown, path: (string | number)[]) => {
    const visit = (child: unknown, key: string | number) => {
      if (!isNode(child) || !child.range) return;
      nodes.push({ start: child.range[0], path: [...path, key] });
      collect(child, [...path, key]);
    };
    if (isMap(node)) for (const pair of node.items) visit(pair.value, isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
    else if (isSeq(node)) node.items.forEach((item, i) => visit(item, i));
  };
  collect(contents, []);
  const after = nodes.filter((n) => n.start >= warning.pos[1]).sort((a, b) => a.start - b.start)[0];
  const shown = tag.replace(/^tag:yaml\.org,2002:/, "!!");
  const key = after ? ` ${joinPath(...after.path)}` : "";
  return new UserError(`${where}${key}`, `unsupported YAML tag ${shown}: a config is plain data (text, numbers, true/false, lists and maps)`);
}

function issueToError(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], rootPath: string): UserError {
  const issue = pickIssue(issues);
  const at = [...(issue.path as (string | number)[])];
  const discriminator = discriminatorOf(issue);
  if (discriminator !== undefined && at[at.length - 1] !== discriminator) at.push(discriminator);
  let path = joinPath(rootPath, ...at);
  // An unknown key at the top has no parent to name: the key is the path.
  if (issue.code === "unrecognized_keys" && path === "") path = issue.keys[0] ?? "";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return new UserError(path, describeIssue(schema, issue) + more);
}

/**
 * Prefers a misspelt key over the "missing" field it was meant to be
 * (`envv` for `env`), then the deepest issue: it is the most specific.
 */
function pickIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const missing = issues.filter((m) => m.code === "invalid_type" && m.input === undefined && m.path.length === issue.path.length + 1);
    if (missing.some((m) => issue.keys.some((k) => editDistance(k, String(m.path[m.path.length - 1])) <= 2))) return issue;
  }
  let best = issues[0];
  for (const issue of issues) if (issue.path.length > best.path.length) best = issue;
  return best;
}

function describeIssue(root: z.ZodType, issue: z.core.$ZodIssue): string {
  const given = "input" in issue ? showValue(issue.input) : "nothing";
  const leaf = schemaAt(root, issue.path as (string | number)[]);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = leaf ? objectKeys(leaf) : [];
      const key = issue.keys[0];
      const hint = didYouMean(key, known) || (known.length ? ` (expected one of: ${known.join(", ")})` : "");
      return `unknown key ${JSON.stringify(key)}${hint}`;
    }
    case "invalid_union": {
      // A discriminated union (`learner.algo`): the valid tags, and the tag given (not the object holding it).
      const discriminator = discriminatorOf(issue);
      if (discriminator !== undefined) {
        const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
        const tag = issue.input !== null && typeof issue.input === "object" ? (issue.input as Record<string, unknown>)[discriminator] : undefined;
        const known = `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`;
        if (tag === undefined) return `missing; expected ${known}`;
        return `expected ${known}, got ${showValue(tag)}${typeof tag === "string" ? didYouMean(tag, options) : ""}`;
      }
      return `expected ${leaf ? describeSchema(leaf) : "a different value"}, got ${given}`;
    }
    case "custom":
      return issue.message;
    default: {
      if (issue.code === "invalid_type" && issue.input === undefined) {
        return `missing; expected ${leaf ? describeSchema(leaf) : issue.expected}`;
      }
      if (leaf) return `expected ${describeSchema(leaf)}, got ${given}`;
      return `${issue.message}, got ${given}`;
    }
  }
}

/** The field a discriminated union's issue is about (`algo`), when zod found no member with the value given. */
function discriminatorOf(issue: z.core.$ZodIssue): string | undefined {
  const d = (issue as { discriminator?: unknown }).discriminator;
  return issue.code === "invalid_union" && typeof d === "string" && Array.isArray((issue as { options?: unknown }).options) ? d : undefined;
}

/** The sub-schema at a data path, looking through optional/default/nullable wrappers. */
export function schemaAt(schema: z.ZodType, path: readonly (string | number)[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = unwrap(schema);
  for (const [depth, key] of path.entries()) {
    if (!s) return undefined;
    const def = s._zod.def as unknown as Record<string, unknown>;
    if (def.type === "union") {
      // The first member that has the rest of the path (discriminated unions: the member with that field).
      for (const option of def.options as z.ZodType[]) {
        const found = schemaAt(option, path.slice(depth));
        if (found) return found;
      }
      return undefined;
    }
    switch (def.type) {
      case "object":
        s = (def.shape as Record<string, z.ZodType>)[key as string];
        break;
      case "array":
        s = def.element as z.ZodType;
        break;
      case "record":
        s = def.valueType as z.ZodType;
        break;
      case "tuple":
        s = (def.items as z.ZodType[])[key as number];
        break;
      default:
        return undefined;
    }
    s = s && unwrap(s);
  }
  return s;
}

function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    const def = s._zod.def as unknown as Record<string, unknown>;
    if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault" || def.type === "readonly" || def.type === "catch") {
      s = def.innerType as z.ZodType;
    } else if (def.type === "pipe") {
      s = def.in as z.ZodType;
    } else if (def.type === "lazy") {
      s = (def.getter as () => z.ZodType)();
    } else {
      return s;
    }
  }
}

function objectKeys(s: z.ZodType): string[] {
  const def = unwrap(s)._zod.def as unknown as Record<string, unknown>;
  if (def.type === "union") return [...new Set((def.options as z.ZodType[]).flatMap(objectKeys))];
  return def.type === "object" ? Object.keys(def.shape as object) : [];
}

/** A short English description of what a schema accepts: `an integer ≥ 5`, `one of "a", "b"`. */
export function describeSchema(schema: z.ZodType): string {
  const s = unwrap(schema);
  const def = s._zod.def as unknown as Record<string, unknown>;
  switch (def.type) {
    case "number": {
      const n = s as unknown as z.ZodNumber;
      const checks = ((def.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []).map((c) => c._zod.def);
      const bounds: string[] = [];
      for (const c of checks) {
        if (c.check === "greater_than") bounds.push(`${c.inclusive ? "≥" : ">"} ${c.value}`);
        if (c.check === "less_than") bounds.push(`${c.inclusive ? "≤" : "<"} ${c.value}`);
      }
      return `${n.isInt ? "an integer" : "a number"}${bounds.length ? " " + bounds.join(" and ") : ""}`;
    }
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(def.entries as object).map((v) => JSON.stringify(v)).join(", ")}`;
    case "literal":
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(" or ");
    case "array": {
      const element = unwrap(def.element as z.ZodType)._zod.def.type;
      const items = element === "unknown" || element === "any" ? "" : ` of ${plural(describeSchema(def.element as z.ZodType))}`;
      const min = ((def.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []).map((c) => c._zod.def).find((c) => c.check === "min_length");
      return `a ${min && (min.minimum as number) >= 1 ? "non-empty " : ""}list${items}`;
    }
    case "tuple":
      return `a list of ${(def.items as unknown[]).length}`;
    case "object":
      return "an object";
    case "record":
      return "a map";
    case "union":
      return (def.options as z.ZodType[]).map(describeSchema).join(" or ");
    default:
      return String(def.type);
  }
}

function plural(description: string): string {
  return description.replace(/^an? (integer|number|string|object|list|map)/, "$1s");
}
