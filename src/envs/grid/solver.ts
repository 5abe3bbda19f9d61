/**
 * A planner for gridworlds: finds a sequence of actions that wins the
 * episode from the current state, or says there is none within its budget.
 * Tests use it to prove generated layouts solvable; later, it gives expert
 * demonstrations.
 *
 * It searches at two levels. Below, a breadth-first search over the agent's
 * poses (cell, direction) with left/right/forward on the current grid, where
 * a closed (unlocked) door on the way costs a toggle and a forward: opening
 * such a door never hurts, so it is navigation, not a choice. Above, a
 * breadth-first search over interactions: from every reachable pose, each
 * pickup, toggle of a locked door or a box, drop (on the few nearest free
 * cells) and, where the task uses it, done, simulated by replaying the real
 * steps on a copy of the state. A plan is returned only if a real step
 * reported success, so a plan is always a true one.
 */
import type { GridEnv, GridSnapshot } from "./engine.js";
import { A, EMPTY, S, T, canOverlap, canPickup, stateOf } from "./objects.js";

export interface SolveOptions {
  /** Interaction states to expand before giving up. */
  maxNodes?: number;
  /** Free cells, nearest first, on which the planner tries to drop what it carries. */
  dropCandidates?: number;
}

interface Node {
  snapshot: GridSnapshot;
  plan: number[];
}

/**
 * A winning plan from `core`'s current state, or `undefined`. The state is
 * left as it was found.
 *
 * @example
 * const env = make("DoorKey-8x8"); env.reset(3);
 * const plan = solve(env.core as GridEnv); // [1, 2, 2, 3, …]
 */
export function solve(core: GridEnv, options: SolveOptions = {}): number[] | undefined {
  const maxNodes = options.maxNodes ?? 5000;
  const dropCandidates = options.dropCandidates ?? 3;
  const numActions = core.actionSpace.n;
  const start = core.snapshot();
  const poses = new PoseSearch(core);
  const seen = new Set<string>([core.stateKey()]);
  const queue: Node[] = [{ snapshot: start, plan: [] }];
  const obs = new Float32Array(core.observationSpace.size);
  /** Replays `actions` from a snapshot; returns the last reward and whether the episode ended. */
  const replay = (from: GridSnapshot, actions: readonly number[]) => {
    core.restore(from);
    let reward = 0;
    for (const a of actions) {
      reward = core.step(SINGLE[a], 0, obs, 0);
      if (core.terminated) return { reward, ended: true };
    }
    return { reward, ended: false };
  };
  try {
    for (let head = 0; head < queue.length && head < maxNodes; head++) {
      const node = queue[head];
      core.restore(node.snapshot);
      const reached = poses.search();
      if (reached.win !== undefined) {
        const plan = [...node.plan, ...poses.pathTo(reached.win), A.forward];
        // Doors opened on the way could, in principle, end the episode early: check by replaying.
        const r = replay(node.snapshot, plan.slice(node.plan.length));
        if (r.ended && r.reward > 0) return plan;
      }
      let drops = 0;
      for (const pose of reached.order) {
        const front = (pose >> 2) + core.dirOffset[pose & 3];
        const fc = node.snapshot.cells[front];
        const t = fc & 0xff;
        const tries: number[] = [];
        if (node.snapshot.carrying === 0 && canPickup(fc)) tries.push(A.pickup);
        if ((t === T.door && stateOf(fc) === S.locked) || t === T.box) tries.push(A.toggle);
        if (node.snapshot.carrying !== 0 && fc === EMPTY && drops < dropCandidates) {
          tries.push(A.drop);
          drops++;
        }
        if (core.doneMatters) tries.push(A.done);
        for (const action of tries) {
          if (action >= numActions) continue;
          const moves = [...poses.pathTo(pose), action];
          const r = replay(node.snapshot, moves);
          if (r.ended) {
            if (r.reward > 0) return [...node.plan, ...moves];
            continue;
          }
          const key = core.stateKey();
          if (seen.has(key)) continue;
          seen.add(key);
          queue.push({ snapshot: core.snapshot(), plan: [...node.plan, ...moves] });
        }
      }
    }
    return undefined;
  } finally {
    core.restore(start);
  }
}

const SINGLE = [0, 1, 2, 3, 4, 5, 6].map((a) => Int32Array.of(a));
/** A move through a closed door: toggle it open, then step forward. */
const THROUGH_DOOR = -1;

/** Breadth-first search over poses, pose = cell index · 4 + direction. */
class PoseSearch {
  private readonly parent: Int32Array;
  private readonly via: Int8Array;
  private readonly mark: Uint32Array;
  private generation = 0;
  private origin = 0;

  constructor(private readonly core: GridEnv) {
    const n = core.grid.cells.length * 4;
    this.parent = new Int32Array(n);
    this.via = new Int8Array(n);
    this.mark = new Uint32Array(n);
  }

  /** All poses reachable without interacting, nearest first, and a winning pose if one faces a winning cell. */
  search(): { order: number[]; win?: number } {
    const { core, parent, via, mark } = this;
    const g = ++this.generation;
    const cells = core.grid.cells;
    this.origin = core.agentIndex * 4 + core.agentDir;
    mark[this.origin] = g;
    parent[this.origin] = -1;
    const order = [this.origin];
    for (let head = 0; head < order.length; head++) {
      const pose = order[head];
      const index = pose >> 2;
      const dir = pose & 3;
      const front = index + core.dirOffset[dir];
      if (canOverlap(cells[front]) && core.winsOnEnter(front)) return { order, win: pose };
      const fc = cells[front];
      const closedDoor = (fc & 0xff) === T.door && stateOf(fc) === S.closed;
      const next = [
        [index * 4 + ((dir + 3) & 3), A.left],
        [index * 4 + ((dir + 1) & 3), A.right],
        [canOverlap(fc) && !core.losesOnEnter(front) ? front * 4 + dir : -1, A.forward],
        [closedDoor ? front * 4 + dir : -1, THROUGH_DOOR],
      ];
      for (const [to, action] of next) {
        if (to < 0 || mark[to] === g) continue;
        mark[to] = g;
        parent[to] = pose;
        via[to] = action;
        order.push(to);
      }
    }
    return { order };
  }

  /** The moves from the search's origin to `pose`. */
  pathTo(pose: number): number[] {
    const path: number[] = [];
    for (let p = pose; p !== this.origin; p = this.parent[p]) {
      if (this.via[p] === THROUGH_DOOR) path.push(A.forward, A.toggle);
      else path.push(this.via[p]);
    }
    return path.reverse();
  }
}
