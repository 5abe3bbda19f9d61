/**
 * A scripted reward designer for tests of the language-model designer: a
 * chat-completions script (for `startOpenAIStub`) that answers by what each
 * request asks: good specs, a spec naming a feature the environment lacks
 * (the critic rejects it; the repair is good), a hostile code term, replies
 * without a spec, and a failed call. For DoorKey with 4 samples.
 */
import type { StubReply, StubRequest } from "./openai-stub.js";

const yaml = (terms: string) => `Here is my reward.\n\n\`\`\`yaml\nterms:\n${terms}\n\`\`\`\n`;

/** Replies by what is asked: the candidate number, a repair, a reflection. */
export function script(r: StubRequest): StubReply {
  const last = r.messages.at(-1)!.content;
  if (last.includes("was rejected before training")) return yaml("  - {name: key, kind: event, event: pickup:key, weight: 0.2, once: true}");
  if (last.includes("We trained a policy")) {
    if (last.includes("candidate 1 of 4")) return yaml("  - {name: unlock, kind: event, event: unlock:door, weight: 0.3, once: true}");
    if (last.includes("candidate 2 of 4")) return yaml("  - {name: near, kind: potential, phi: \"-goal.distance\", gamma: 0.99, weight: 0.05}");
    if (last.includes("candidate 3 of 4")) return "Let me think about this. I would pay for the door.";
    return { status: 500, error: "the model fell over" };
  }
  if (last.includes("candidate 1 of 4")) return yaml("  - {name: door, kind: potential, phi: \"0.5 * carrying.key + 0.5 * door.open\", gamma: 0.99, weight: 0.5}");
  // Not a feature of DoorKey: the critic rejects it, and the model repairs it.
  if (last.includes("candidate 2 of 4")) return yaml('  - {name: speed, kind: expression, expr: "agent.speed", weight: 0.1}');
  // Hostile: a code term, which a designed spec may not have.
  if (last.includes("candidate 3 of 4")) return yaml("  - {name: pwn, kind: code, fn: \"process.exit(1)\"}");
  return "no spec at all";
}

