"""A verl multi-turn Interaction that plays a rewardlab text world.

verl asks an interaction for the environment's answer after each assistant
turn (``generate_response``) and passes ``interaction_kwargs`` from the data
row to ``start_interaction``. This one forwards both to a running
``rewardlab serve`` (POST /v1/worlds, POST /v1/worlds/<id>/step): the turn's
reward is rewardlab's reward for that turn, under the reward spec the row
names, and the episode ends when the world ends it.

Rows come from ``rewardlab agent export CONFIG --format verl``; in verl's
interaction config:

    interaction:
      - name: rewardlab
        class_name: rewardlab_interaction.RewardlabInteraction
        config: {url: "http://127.0.0.1:8000"}
"""
import json
import urllib.request

try:
    from verl.interactions.base import BaseInteraction
except ImportError:  # outside verl: the same interface, for tests and scripts
    class BaseInteraction:
        def __init__(self, config):
            self.config = config
            self.name = config.get("name", "interaction_agent")


def _post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


class RewardlabInteraction(BaseInteraction):
    def __init__(self, config):
        super().__init__(config)
        self.url = config.get("url", "http://127.0.0.1:8000").rstrip("/")
        self._sessions = {}

    async def start_interaction(self, instance_id=None, world=None, seed=0, reward=None, kwargs=None, session=None, **_):
        # The row's first observation came from a session the exporter opened; a fresh one here replays the same seed.
        body = {"world": world, "seed": int(seed)}
        if reward is not None:
            body["reward"] = reward
        if kwargs:
            body["kwargs"] = kwargs
        started = _post(f"{self.url}/v1/worlds", body)
        instance_id = instance_id or started["id"]
        self._sessions[instance_id] = {"id": started["id"], "rewards": []}
        return instance_id

    async def generate_response(self, instance_id, messages, **_):
        content = ""
        for message in reversed(messages):
            if message.get("role") == "assistant":
                content = message.get("content") or ""
                break
        session = self._sessions[instance_id]
        step = _post(f"{self.url}/v1/worlds/{session['id']}/step", {"message": content})
        session["rewards"].append(step["reward"])
        done = bool(step["terminated"] or step["truncated"])
        return done, step["observation"], float(step["reward"]), {"terms": step["terms"], "events": step["events"], "primary": step["primary"]}

    async def calculate_score(self, instance_id, **_):
        return float(sum(self._sessions[instance_id]["rewards"]))

    async def finalize_interaction(self, instance_id, **_):
        session = self._sessions.pop(instance_id, None)
        if session is not None:
            request = urllib.request.Request(f"{self.url}/v1/worlds/{session['id']}", method="DELETE")
            urllib.request.urlopen(request, timeout=60).close()
