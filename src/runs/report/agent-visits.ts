/**
 * Where each agent goes, for the report of a multi-agent run on a board
 * (the commons harvest, clean-up, Tag, Hide and Seek, Capture the Flag):
 * how often each agent index stood on each cell over the last part of
 * training, summed over the tables. The sum over agents fills the same
 * "where the agent goes" map single-agent gridworlds get; each agent's own
 * map shows whether the agents split the board between them.
 *
 * Counted before each step, as the single-agent recorder counts; the final
 * state of an episode (which the autoreset replaces within the step) is
 * not counted: one state in hundreds.
 */
import { AgentSeat } from "../../envs/multi/seats.js";
import type { MultiAgentCore } from "../../envs/multi/core.js";
import type { RewardedVector } from "../../rewards/rewarded.js";

export interface AgentVisits {
  width: number;
  height: number;
  /** counts[j][y·width + x]: steps agent j stood on the cell. */
  counts: number[][];
  fromStep: number;
  steps: number;
}

export class AgentVisitRecorder {
  private readonly counts: number[][];
  private readonly fromStep: number;
  private stepsSeen = 0;
  private counting = true;

  private constructor(
    env: RewardedVector,
    private readonly tables: MultiAgentCore[],
    private readonly board: { width: number; height: number },
    totalSteps: number,
    visitFraction: number,
  ) {
    const m = tables[0].numAgents;
    this.counts = Array.from({ length: m }, () => new Array<number>(board.width * board.height).fill(0));
    this.fromStep = Math.floor(totalSteps * (1 - visitFraction));
    const step = env.step.bind(env);
    env.step = (actions) => {
      if (this.counting && this.stepsSeen >= this.fromStep) this.visit();
      step(actions);
      this.stepsSeen += env.n;
    };
  }

  /** Starts counting on the seats of board games; undefined for anything else. */
  static attach(env: RewardedVector, totalSteps: number, options: { visitFraction?: number } = {}): AgentVisitRecorder | undefined {
    const seats = env.vec.cores;
    if (!seats.every((c): c is AgentSeat => c instanceof AgentSeat)) return undefined;
    const tables = [...new Set(seats.map((s) => s.core))];
    const board = tables[0].board;
    if (!board) return undefined;
    return new AgentVisitRecorder(env, tables, board, totalSteps, Math.min(1, Math.max(0, options.visitFraction ?? 0.25)));
  }

  private visit(): void {
    for (const core of this.tables) {
      for (let j = 0; j < core.numAgents; j++) {
        const cell = core.cellOf(j);
        if (cell >= 0) this.counts[j][cell]++;
      }
    }
  }

  /** Stops counting; the per-agent maps, and their sum as the run's visits (a `RunRecording` of record.ts). */
  finish(): { visits: Omit<AgentVisits, "counts"> & { counts: number[] }; agentVisits: AgentVisits } {
    this.counting = false;
    const { width, height } = this.board;
    const steps = Math.max(0, this.stepsSeen - this.fromStep);
    const counts = this.counts.map((c) => [...c]);
    const sum = counts[0].map((_, i) => counts.reduce((a, c) => a + c[i], 0));
    return { visits: { width, height, counts: sum, fromStep: this.fromStep, steps }, agentVisits: { width, height, counts, fromStep: this.fromStep, steps } };
  }
}
