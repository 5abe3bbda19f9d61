/**
 * Bounded concurrency: at most `maxInFlight` tasks run at once, in order of
 * arrival, and at most `maxQueue` wait; beyond that `run` refuses at once
 * with `Overloaded` (the reward server answers 429, so a trainer's client
 * backs off instead of piling up latency for everyone). Scorers that call
 * endpoints or sandboxes use it with an unbounded queue.
 */
export class Overloaded extends Error {
  readonly statusCode = 429;
  constructor() {
    super("server is at capacity; retry shortly");
  }
}

export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly maxInFlight: number,
    readonly maxQueue = Infinity,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T> | T): Promise<T> {
    if (this.active >= this.maxInFlight) {
      if (this.waiting.length >= this.maxQueue) throw new Overloaded();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.active++;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
