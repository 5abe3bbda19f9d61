/**
 * A chat-completions server in a process of its own, for code that blocks
 * its thread while the server must answer (a training loop waiting on an
 * annotator): `POST /v1/chat/completions` on 127.0.0.1. It answers
 * "Answer: 1" when the last message contains one of `positive`, else
 * "Answer: 0", after `delayMs`; `GET /v1/requests` lists the last messages
 * it was asked, in order.
 */
import { spawn, type ChildProcess } from "node:child_process";

const SOURCE = String.raw`
const http = require("node:http");
const { positive, delayMs } = JSON.parse(process.argv[1]);
const asked = [];
const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/v1/requests") { res.writeHead(200, { "content-type": "application/json" }); return res.end(JSON.stringify(asked)); }
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const request = JSON.parse(body);
    const last = request.messages[request.messages.length - 1].content;
    asked.push(last);
    const yes = positive.some((p) => last.includes("happened: " + p) || last.includes(", " + p));
    const content = "Considering the task. Answer: " + (yes ? 1 : 0);
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "x", object: "chat.completion", created: 0, model: request.model, choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage: { prompt_tokens: last.split(/\s+/).length, completion_tokens: 5, total_tokens: 0 } }));
    }, delayMs);
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\n"));
`;

export interface StubProcess {
  baseURL: string;
  /** The last message of each request so far. */
  requests(): Promise<string[]>;
  close(): void;
}

export async function startStubProcess(positive: string[], delayMs = 0): Promise<StubProcess> {
  const child: ChildProcess = spawn(process.execPath, ["-e", SOURCE, JSON.stringify({ positive, delayMs })], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the stub process exited (${code})`)));
  });
  const baseURL = `http://127.0.0.1:${port}/v1`;
  return {
    baseURL,
    requests: async () => (await (await fetch(`${baseURL}/requests`)).json()) as string[],
    close: () => void child.kill(),
  };
}
