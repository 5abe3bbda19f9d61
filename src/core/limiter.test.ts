import { expect, it } from "vitest";
import { Limiter, Overloaded } from "./limiter.js";

it("runs at most maxInFlight tasks at once, in order of arrival, and passes results and errors through", async () => {
  const limiter = new Limiter(2);
  const started: number[] = [];
  let active = 0;
  let peak = 0;
  await Promise.all(
    [0, 1, 2, 3, 4].map((i) =>
      limiter.run(async () => {
        started.push(i);
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
      }),
    ),
  );
  expect(started).toEqual([0, 1, 2, 3, 4]);
  expect(peak).toBe(2);
  await expect(limiter.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  expect(await limiter.run(async () => 7)).toBe(7);
  expect(limiter.inFlight).toBe(0);
});

it("refuses at once beyond the queue, and frees the slots afterwards", async () => {
  const limiter = new Limiter(1, 1);
  let release!: () => void;
  const first = limiter.run(() => new Promise<void>((r) => (release = r)));
  const second = limiter.run(async () => "queued");
  await expect(limiter.run(async () => "refused")).rejects.toBeInstanceOf(Overloaded);
  expect([limiter.inFlight, limiter.queued]).toEqual([1, 1]);
  release();
  await first;
  expect(await second).toBe("queued");
  expect([limiter.inFlight, limiter.queued]).toEqual([0, 0]);
});
