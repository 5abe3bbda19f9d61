/**
 * A design's lineage in the run store: the design (config, options,
 * designer), every candidate as it is judged (its spec, the critic's
 * verdict, repairs, scores, statistics and the calls behind it), every
 * exchange with the model, and at the end its result. Writes are chained
 * in order and awaited at the end, so the loop never waits on the store
 * and a failure to write is not lost.
 */
import type { Store } from "../runs/store/index.js";
import type { Candidate, DesignResult } from "./loop.js";
import type { DesignCall } from "./llm.js";
import type { ChatUsage } from "../providers/chat.js";

export interface DesignSummaryRecord {
  best: string;
  finalists: string[];
  runs: number;
  saved: number;
  rejected: DesignResult["rejected"];
  usage?: ChatUsage & { cost?: number };
}

export class LineageWriter {
  private chain: Promise<void> = Promise.resolve();
  private saved = 0;
  private position = 0;

  constructor(
    private readonly store: Store,
    readonly designId: string,
  ) {}

  candidate(c: Candidate): void {
    const position = this.position++;
    this.enqueue(() => this.store.saveDesignCandidate(this.designId, { id: c.id, iteration: c.iteration, position, score: c.score ?? null, data: c }));
  }

  /** Saves the calls not saved yet. */
  calls(calls: readonly DesignCall[]): void {
    for (const call of calls.slice(this.saved)) {
      this.enqueue(() => this.store.saveDesignCall(this.designId, { id: call.id, iteration: call.iteration, stage: call.stage, promptTokens: call.tokens.prompt, completionTokens: call.tokens.completion, data: call }));
    }
    this.saved = Math.max(this.saved, calls.length);
  }

  /** Saves the finalists again (now with their final scores) and ends the design. */
  async finish(result: DesignResult, summary: DesignSummaryRecord): Promise<void> {
    for (const c of result.finalists) {
      const position = result.candidates.indexOf(c);
      this.enqueue(() => this.store.saveDesignCandidate(this.designId, { id: c.id, iteration: c.iteration, position, score: c.score ?? null, data: c }));
    }
    this.enqueue(() => this.store.finishDesign(this.designId, "finished", summary));
    await this.chain;
  }

  async fail(reason: string): Promise<void> {
    this.enqueue(() => this.store.finishDesign(this.designId, "failed", { error: reason }));
    await this.chain.catch(() => undefined);
  }

  private enqueue(write: () => Promise<void>): void {
    this.chain = this.chain.then(write);
  }
}
