/**
 * A planner for gridworlds: finds a sequence of actions that wins the
 * episode from the current state, or says there is none within its budget.
 * Tests use it to prove generated layouts solvable; later, it gives expert
 * demonstrations.
 *
 * It searches at two levels. Below, a breadth-first search over the agent's
 * poses (cell, direction) with left/right/forward only, on the current grid.
 * Above, a breadth-first search over interactions: from every reachable pose,
 * each pickup, toggle, drop (on the few nearest free cells) and, where the
 * task uses it, done, simulated on a copy of the state. A plan is returned
 * only if a real step reported success, so a plan is always a true one.
 */
import type { GridEnv, GridSnapshot } from "./engine.js";
import { A, EMPTY, canOverlap, canPickup, T } from "./objects.js";

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
  try {
    for (let head = 0; head < queue.length && head < maxNodes; head++) {
      const node = queue[head];
      core.restore(node.snapshot);
      const reached = poses.search();
      if (reached.win !== undefined) return [...node.plan, ...poses.pathTo(reached.win), A.forward];
      let drops = 0;
      for (const pose of reached.order) {
        core.restore(node.snapshot);
        core.agentIndex = pose >> 2;
        core.agentDir = pose & 3;
        const front = core.frontIndex;
        const fc = core.grid.cells[front];
        const tries: number[] = [];
        if (core.carrying === 0 && canPickup(fc)) tries.push(A.pickup);
        const t = fc & 0xff;
        if (t === T.door || t === T.box) tries.push(A.toggle);
        if (core.carrying !== 0 && fc === EMPTY && drops < dropCandidates) {
          tries.push(A.drop);
          drops++;
        }
        if (core.doneMatters) tries.push(A.done);
        for (const action of tries) {
          if (action >= numActions) continue;
          core.restore(node.snapshot);
          core.agentIndex = pose >> 2;
          core.agentDir = pose & 3;
          const reward = core.step(SINGLE[action], 0, scratchObs(core), 0);
          const plan = () => [...node.plan, ...poses.pathTo(pose), action];
          if (core.terminated) {
            if (reward > 0) return plan();
            continue;
          }
          const key = core.stateKey();
          if (seen.has(key)) continue;
          seen.add(key);
          queue.push({ snapshot: core.snapshot(), plan: plan() });
        }
      }
    }
    return undefined;
  } finally {
    core.restore(start);
  }
}

const SINGLE = [0, 1, 2, 3, 4, 5, 6].map((a) => Int32Array.of(a));
const scratch = new WeakMap<GridEnv, Float32Array>();
function scratchObs(core: GridEnv): Float32Array {
  let obs = scratch.get(core);
  if (!obs) scratch.set(core, (obs = new Float32Array(core.observationSpace.size)));
  return obs;
}

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
      const next = [
        [index * 4 + ((dir + 3) & 3), A.left],
        [index * 4 + ((dir + 1) & 3), A.right],
        [canOverlap(cells[front]) && !core.losesOnEnter(front) ? front * 4 + dir : -1, A.forward],
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
    for (let p = pose; p !== this.origin; p = this.parent[p]) path.push(this.via[p]);
    return path.reverse();
  }
}
