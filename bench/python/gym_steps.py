"""Steps per second of one Gymnasium environment under uniformly random actions.

Usage: python3 gym_steps.py ENV_ID [SECONDS] [ROUNDS]   (e.g. CartPole-v1, MiniGrid-DoorKey-8x8-v0)

The peer figure for rewardlab's `bench envs` `*/single` rows: one environment
made with gymnasium.make (its default wrappers included), actions drawn from
a seeded generator inside the timed loop, reset when an episode ends,
observations built every step. Prints one JSON object: the median rate of
ROUNDS timed batches of about SECONDS / ROUNDS each, after a warm-up.
"""
import json
import random
import sys
import time

import gymnasium as gym


def main():
    env_id = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    if env_id.startswith("MiniGrid"):
        import minigrid

        # An installed MiniGrid registers its ids through a package entry point; from a source folder, register them here.
        if env_id not in gym.registry:
            minigrid.register_minigrid_envs()
    env = gym.make(env_id)
    rng = random.Random(0)
    n = env.action_space.n
    env.reset(seed=0)

    def run(steps):
        for _ in range(steps):
            _, _, terminated, truncated, _ = env.step(rng.randrange(n))
            if terminated or truncated:
                env.reset()

    # Warm up, and size a batch to one round.
    batch = 1000
    while True:
        t0 = time.perf_counter()
        run(batch)
        dt = time.perf_counter() - t0
        if dt > seconds / rounds / 4:
            break
        batch *= 2
    batch = max(1, int(batch * (seconds / rounds) / dt))
    rates = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        run(batch)
        rates.append(batch / (time.perf_counter() - t0))
    rates.sort()
    print(json.dumps({"env": env_id, "median": rates[len(rates) // 2], "min": rates[0], "max": rates[-1], "gymnasium": gym.__version__}))


if __name__ == "__main__":
    main()
