/**
 * The import graph of src/ follows the layering in docs/architecture.md:
 * no file imports itself through others, no folder does, and every import
 * across folders goes to a strictly lower layer. Types count: an
 * `import type` is a dependency too. Every non-test .ts file is read, with
 * its static imports, re-exports and `import("…")` calls of relative paths.
 *
 * `KNOWN` lists the edges still being fixed, each with its reason; each
 * must still exist and still break a rule, so the list cannot go stale.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));

/** Layers, low to high: a folder may import only folders on lower layers. */
const LAYERS: Record<string, number> = {
  core: 0,
  "version.ts": 0,
  envs: 1,
  nn: 1,
  providers: 1,
  curricula: 1,
  intrinsic: 2,
  learn: 3,
  rewards: 4,
  agents: 5,
  runs: 6,
  audit: 7,
  design: 7,
  qd: 7,
  agentic: 7,
  sweeps: 7,
  server: 8,
  cli: 9,
  "index.ts": 10,
};

/** Test helpers: their imports are not checked, and only tests may import them. */
const TEST_HELPERS = new Set(["test-utils", "fuzz"]);

/**
 * Imports still being fixed: importer → imported (paths under src/), and why
 * they are there, as `{ from: "rewards/transforms.ts", to: "rewards/spec.ts",
 * reason: "…" }`. Each must still exist and still break a rule.
 */
const KNOWN: readonly { from: string; to: string; reason: string }[] = [];

/** A relative import of one file by another, both as paths under src/ ("runs/compare.ts"). */
interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

const under = (path: string) => relative(SRC, path).split(sep).join("/");

/** The folder a file belongs to: the first segment of its path under src/ (a top-level file is its own). */
const folderOf = (file: string) => file.split("/")[0]!;

/** The file a relative import names: `./x.js` is `./x.ts` in the sources. */
function resolveImport(importer: string, specifier: string): string {
  const target = resolve(dirname(importer), specifier);
  const candidates = [target.replace(/\.js$/, ".ts"), target, join(target, "index.ts")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? target;
}

/** Every relative import of every non-test file under src/, and the imports that name no file. */
function importGraph(): { files: string[]; edges: Edge[]; unresolved: string[] } {
  const paths = sourceFiles(SRC);
  const edges: Edge[] = [];
  const unresolved: string[] = [];
  for (const path of paths) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path, "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = resolveImport(path, fileName);
      if (!existsSync(target)) unresolved.push(`${under(path)} imports "${fileName}", which names no file`);
      // Outside src/ (the benchmarks' sources) is not part of the layering.
      else if (!relative(SRC, target).startsWith("..") && !edges.some((e) => e.from === under(path) && e.to === under(target))) edges.push({ from: under(path), to: under(target) });
    }
  }
  return { files: paths.map(under), edges, unresolved };
}

/** Strongly connected components (Tarjan) with more than one node, or a node that reaches itself. */
function cycles(nodes: readonly string[], next: (node: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next(v).includes(v)) found.push(component);
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

/** One cycle through `start` inside its component, as `a → b → a` (the shortest, by breadth-first search). */
function cyclePath(start: string, component: ReadonlySet<string>, next: (node: string) => readonly string[]): string {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of next(v)) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = parent.get(u)!) path.unshift(u);
        path.unshift(start);
        return path.join(" → ");
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component].join(", ");
}

const graph = importGraph();
const isKnown = (e: Edge) => KNOWN.some((k) => k.from === e.from && k.to === e.to);
/** The edges the rules apply to: not from test helpers, not known. */
const checked = graph.edges.filter((e) => !TEST_HELPERS.has(folderOf(e.from)) && !isKnown(e));

function adjacency(edges: readonly Edge[], key: (file: string) => string): (node: string) => string[] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const [a, b] = [key(e.from), key(e.to)];
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)!.add(b);
  }
  return (node) => [...(next.get(node) ?? [])].sort();
}

/** What is wrong with an import across folders, if anything. */
function layerProblem(e: Edge): string | undefined {
  const [a, b] = [folderOf(e.from), folderOf(e.to)];
  if (a === b) return undefined;
  if (TEST_HELPERS.has(b)) return `${e.from} → ${e.to}: ${b}/ holds test helpers; only tests may import it`;
  if (!(LAYERS[b]! < LAYERS[a]!)) return `${e.from} → ${e.to}: ${a} (layer ${LAYERS[a]}) may not import ${b} (layer ${LAYERS[b]})`;
  return undefined;
}

describe("the import graph of src/", () => {
  test("every relative import names a file", () => {
    expect(graph.unresolved).toEqual([]);
  });

  test("every folder has a layer", () => {
    const folders = [...new Set(graph.files.map(folderOf))].sort();
    const missing = folders.filter((f) => LAYERS[f] === undefined && !TEST_HELPERS.has(f));
    expect(missing, "folders with no layer in LAYERS (add them, and to docs/architecture.md)").toEqual([]);
  });

  test("no file-level import cycles", () => {
    const next = adjacency(checked, (f) => f);
    const found = cycles(graph.files, next).map((c) => {
      const members = new Set(c);
      const edges = checked.filter((e) => members.has(e.from) && members.has(e.to)).map((e) => `    ${e.from} → ${e.to}`);
      return `import cycle: ${cyclePath([...c].sort()[0]!, members, next)}; the files of this cycle import each other by\n${edges.join("\n")}`;
    });
    expect(found, found.join("\n")).toEqual([]);
  });

  test("no folder-level import cycles", () => {
    const crossing = checked.filter((e) => folderOf(e.from) !== folderOf(e.to));
    const next = adjacency(crossing, folderOf);
    const found = cycles([...new Set(graph.files.map(folderOf))].sort(), next).map((c) => {
      const path = cyclePath([...c].sort()[0]!, new Set(c), next);
      const folders = path.split(" → ");
      // Each step of the cycle, by the imports that make it (the first three).
      const steps = folders.slice(1).map((b, i) => {
        const a = folders[i]!;
        const imports = crossing.filter((e) => folderOf(e.from) === a && folderOf(e.to) === b).map((e) => `${e.from} → ${e.to}`);
        return `    ${a} → ${b}: ${imports.slice(0, 3).join(", ")}${imports.length > 3 ? ` (and ${imports.length - 3} more)` : ""}`;
      });
      return `folder cycle: ${path}, by\n${steps.join("\n")}`;
    });
    expect(found, found.join("\n")).toEqual([]);
  });

  test("every import across folders goes to a strictly lower layer", () => {
    const broken = checked.flatMap((e) => layerProblem(e) ?? []);
    expect(broken, broken.join("\n")).toEqual([]);
  });

  test("every known edge still exists and still breaks a rule (remove the fixed ones from KNOWN)", () => {
    // The graph with the known edges in it: what the rules would say without the list.
    const all = graph.edges.filter((e) => !TEST_HELPERS.has(folderOf(e.from)));
    const componentOf = (key: (file: string) => string, edges: readonly Edge[], nodes: readonly string[]) => {
      const component = new Map<string, number>();
      cycles(nodes, adjacency(edges, key)).forEach((c, k) => c.forEach((node) => component.set(node, k)));
      return (node: string) => component.get(node);
    };
    const fileCycle = componentOf((f) => f, all, graph.files);
    const crossing = all.filter((e) => folderOf(e.from) !== folderOf(e.to));
    const folderCycle = componentOf(folderOf, crossing, [...new Set(graph.files.map(folderOf))]);
    const stale = KNOWN.flatMap((k) => {
      if (!graph.edges.some((e) => e.from === k.from && e.to === k.to)) return [`${k.from} → ${k.to}: no longer imported (${k.reason})`];
      const inFileCycle = fileCycle(k.from) !== undefined && fileCycle(k.from) === fileCycle(k.to);
      const [a, b] = [folderOf(k.from), folderOf(k.to)];
      const inFolderCycle = a !== b && folderCycle(a) !== undefined && folderCycle(a) === folderCycle(b);
      return inFileCycle || inFolderCycle || layerProblem(k) ? [] : [`${k.from} → ${k.to}: breaks no rule any more (${k.reason})`];
    });
    expect(stale, stale.join("\n")).toEqual([]);
  });

  test("the checks see what they check: imports of every kind, types included", () => {
    const has = (from: string, to: string) => graph.edges.some((e) => e.from === from && e.to === to);
    // A static import, an `import type`, and a dynamic import("…") of a command.
    expect(has("cli/commands/train.ts", "runs/session.ts")).toBe(true);
    expect(has("runs/worker.ts", "runs/config.ts")).toBe(true);
    expect(has("cli/program.ts", "cli/commands/train.ts")).toBe(true);
    // And the rules catch what they should, on made-up edges.
    const next = adjacency([{ from: "a.ts", to: "b.ts" }, { from: "b.ts", to: "c.ts" }, { from: "c.ts", to: "a.ts" }], (f) => f);
    expect(cycles(["a.ts", "b.ts", "c.ts"], next).map((c) => cyclePath("a.ts", new Set(c), next))).toEqual(["a.ts → b.ts → c.ts → a.ts"]);
  });
});
