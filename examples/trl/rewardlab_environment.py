"""TRL environments that play rewardlab's text worlds.

TRL's GRPOTrainer takes an ``environment_factory``: it builds instances with
no arguments and reuses them, calls ``reset(**row)`` with the dataset row
before each rollout (a returned string is appended to the prompt's last user
message), exposes every public method but ``reset`` and ``get_reward`` as a
tool the model may call (each call one turn of the world), and calls
``get_reward()`` once when the rollout is over. These classes forward the
turns to a running ``rewardlab serve`` (POST /v1/worlds, POST
/v1/worlds/<id>/step): each turn is paid rewardlab's reward under the reward
spec the row names, and ``get_reward`` is the episode's return, the sum of
its turn rewards.

Rows come from ``rewardlab agent export CONFIG --format trl``:

    from datasets import load_dataset
    from rewardlab_environment import ENVIRONMENTS
    dataset = load_dataset("json", data_files="rows.jsonl", split="train")
    trainer = GRPOTrainer(model=..., train_dataset=dataset, environment_factory=ENVIRONMENTS, args=...)

``ENVIRONMENTS`` maps each row's ``environment`` column to its class (one
export holds one world, so ``environment_factory=GridWorld`` works as well).
The server's address is ``REWARDLAB_URL`` (default http://127.0.0.1:8000).
"""
import json
import os
import urllib.request


def _call(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"}, method=method)
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
        return json.loads(text) if text else None


def _json_field(value):
    # Rows hold the reward spec and world options as JSON text: Arrow keeps one type per column.
    if value is None or value == "":
        return None
    return json.loads(value) if isinstance(value, str) else value


class _World:
    """One episode at a time of a rewardlab world, through the server."""

    def __init__(self):
        self._url = os.environ.get("REWARDLAB_URL", "http://127.0.0.1:8000").rstrip("/")
        self._session = None
        self._rewards = []
        self._over = False

    def reset(self, world=None, seed=0, reward=None, kwargs=None, **_row):
        self._close()
        body = {"world": world, "seed": int(seed)}
        if _json_field(reward) is not None:
            body["reward"] = _json_field(reward)
        if _json_field(kwargs) is not None:
            body["kwargs"] = _json_field(kwargs)
        started = _call("POST", f"{self._url}/v1/worlds", body)
        self._session = started["id"]
        self._rewards = []
        self._over = False
        return started["observation"]

    def get_reward(self):
        return float(sum(self._rewards))

    def _turn(self, message):
        if self._session is None:
            raise ValueError("no episode: reset first")
        if self._over:
            raise ValueError("the episode is over; no more actions are taken")
        step = _call("POST", f"{self._url}/v1/worlds/{self._session}/step", {"message": message})
        self._rewards.append(step["reward"])
        self._over = bool(step["terminated"] or step["truncated"])
        return step["observation"]

    def _close(self):
        if self._session is not None:
            try:
                _call("DELETE", f"{self._url}/v1/worlds/{self._session}")
            except OSError:
                pass  # a session the server already dropped
            self._session = None


class GridWorld(_World):
    """A rewardlab gridworld seen as text."""

    def act(self, action: str) -> str:
        """
        Take one action in the gridworld.

        Args:
            action: One of left, right, forward, pickup, drop, toggle, done.

        Returns:
            What you see after the action, or how the episode ended.
        """
        return self._turn(f"Action: {action}")


class TwentyQuestions(_World):
    """Twenty questions over rewardlab's animals, paid for what each question teaches."""

    def ask(self, attribute: str) -> str:
        """
        Ask whether the animal has an attribute.

        Args:
            attribute: One of the attributes the rules list, as written there.

        Returns:
            Yes or No.
        """
        return self._turn(f"Question: is it {attribute}?")

    def guess(self, animal: str) -> str:
        """
        Guess the animal; the game ends.

        Args:
            animal: One of the animals the rules list.

        Returns:
            Whether the guess was right.
        """
        return self._turn(f"Guess: {animal}")


class ToolUse(_World):
    """Questions answered with a document store and a calculator, paid as ToolRL pays."""

    def search(self, query: str) -> str:
        """
        Search the document store.

        Args:
            query: Words every returned document mentions.

        Returns:
            The matching documents.
        """
        return self._turn(json.dumps({"name": "search", "arguments": {"query": query}}).join(["<tool_call>", "</tool_call>"]))

    def calculator(self, expression: str) -> str:
        """
        Evaluate arithmetic.

        Args:
            expression: Numbers with + - * / and parentheses.

        Returns:
            The value.
        """
        return self._turn(json.dumps({"name": "calculator", "arguments": {"expression": expression}}).join(["<tool_call>", "</tool_call>"]))

    def answer(self, answer: str) -> str:
        """
        Give the final answer; the episode ends.

        Args:
            answer: The answer, a number.

        Returns:
            Whether it was right.
        """
        return self._turn(f"<answer>{answer}</answer>")


ENVIRONMENTS = {"grid": GridWorld, "TwentyQuestions": TwentyQuestions, "ToolUse": ToolUse}
