/**
 * The judge's reply cache: keyed by a SHA-256 of the model and the prompt,
 * kept in memory and optionally in a JSONL file that survives restarts
 * (read once; appended a whole line at a time; a corrupt line is skipped
 * with a warning).
 */
import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";

export interface CacheLine {
  key: string;
  model: string;
  reply: string;
}

/** The on-disk half of the cache: a JSONL file read once, then appended to a line at a time. */
export class CacheFile {
  /** Appends run one after another, so this instance's lines never interleave. */
  private chain: Promise<void> = Promise.resolve();
  /** The file ended without a newline (a write cut short): start the next line on a fresh one. */
  private needsNewline = false;

  constructor(readonly path: string) {}

  async load(put: (line: CacheLine) => void): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") warn(`judge cache ${this.path}: cannot read it (${String(e)}); starting empty`);
      return;
    }
    this.needsNewline = text.length > 0 && !text.endsWith("\n");
    const bad: number[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!.trim();
      if (raw === "") continue;
      const line = parseCacheLine(raw);
      if (line) put(line);
      else bad.push(i + 1);
    }
    if (bad.length > 0) {
      const shown = bad.slice(0, 5).join(", ") + (bad.length > 5 ? ", …" : "");
      warn(`judge cache ${this.path}: skipped ${bad.length} corrupt line${bad.length === 1 ? "" : "s"} (line${bad.length === 1 ? "" : "s"} ${shown})`);
    }
  }

  append(line: CacheLine): void {
    this.chain = this.chain.then(async () => {
      const text = (this.needsNewline ? "\n" : "") + JSON.stringify(line) + "\n";
      try {
        await mkdir(dirname(this.path), { recursive: true });
        // One write with O_APPEND: the line lands whole, after whatever others appended.
        await appendFile(this.path, text, "utf8");
        this.needsNewline = false;
      } catch (e) {
        warn(`judge cache ${this.path}: cannot append (${String(e)})`);
      }
    });
  }

  flush(): Promise<void> {
    return this.chain;
  }
}

function parseCacheLine(raw: string): CacheLine | undefined {
  try {
    const v = JSON.parse(raw) as Partial<CacheLine> | null;
    if (v && typeof v.key === "string" && typeof v.reply === "string") return { key: v.key, model: String(v.model ?? ""), reply: v.reply };
  } catch {
    // corrupt: reported by the caller
  }
  return undefined;
}

export function warn(message: string): void {
  console.warn(`warning: ${message}`);
}

export type ChatMessage = { role: "user" | "assistant"; content: string };

/** The cache key: SHA-256 of the model and the full prompt. */
export function judgeCacheKey(model: string, messages: readonly ChatMessage[]): string {
  return createHash("sha256").update(JSON.stringify([model, messages])).digest("hex");
}
