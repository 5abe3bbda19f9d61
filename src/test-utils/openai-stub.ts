/**
 * A real HTTP server speaking the OpenAI chat-completions protocol, for tests:
 * `POST /v1/chat/completions` on 127.0.0.1 at a random port, answering with a
 * proper `chat.completion` object. A script maps each request to a reply (a
 * string is the assistant's content; an object can also set an HTTP error
 * status or a delay). Every request is recorded, and the number of requests
 * in flight is tracked so tests can check concurrency limits.
 *
 * ```ts
 * const stub = await startOpenAIStub(() => "Looks right.\nSCORE: 8");
 * // ... point a client at stub.baseURL ...
 * expect(stub.requests[0].messages[0].content).toContain("rubric");
 * await stub.close();
 * ```
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StubMessage {
  role: string;
  content: string;
}

export interface StubRequest {
  /** 0-based, in arrival order. */
  index: number;
  model: string;
  messages: StubMessage[];
  /** The whole parsed body (temperature, max_tokens, …). */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export type StubReply =
  | string
  | {
      /** The assistant's content (default ""); null sends `content: null`. */
      content?: string | null;
      /** An HTTP error status (400, 404, 429, 500, …): the body is an OpenAI-style error. */
      status?: number;
      /** The error's message (with `status`). */
      error?: string;
      /** Wait this long before answering (timeouts, concurrency). */
      delayMs?: number;
      /** Extra response headers; error replies get `retry-after-ms: 0` unless set here. */
      headers?: Record<string, string>;
    };

export type StubScript = (request: StubRequest) => StubReply | Promise<StubReply>;

export interface OpenAIStub {
  /** `http://127.0.0.1:<port>/v1`: what a client's `baseURL` should be. */
  readonly baseURL: string;
  /** Every chat-completions request received, in arrival order. */
  readonly requests: StubRequest[];
  /** Requests being answered now. */
  readonly inFlight: number;
  /** The most requests ever in flight at once. */
  readonly maxInFlight: number;
  /** Replaces the script. */
  script: StubScript;
  close(): Promise<void>;
}

export async function startOpenAIStub(script: StubScript): Promise<OpenAIStub> {
  const requests: StubRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;
  let completions = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error", code: null } });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      sendJson(res, 400, { error: { message: "body is not JSON", type: "invalid_request_error", code: null } });
      return;
    }
    const messages = Array.isArray(body.messages)
      ? (body.messages as { role?: unknown; content?: unknown }[]).map((m) => ({ role: String(m.role), content: typeof m.content === "string" ? m.content : JSON.stringify(m.content) }))
      : [];
    const request: StubRequest = { index: requests.length, model: String(body.model), messages, body, headers: req.headers };
    requests.push(request);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const scripted = await stub.script(request);
      const reply = typeof scripted === "string" ? { content: scripted } : scripted;
      if (reply.delayMs) await sleep(reply.delayMs);
      if (res.destroyed) return; // the client gave up (timeout)
      if (reply.status !== undefined && reply.status >= 400) {
        const headers = { "retry-after-ms": "0", ...reply.headers };
        const type = reply.status === 429 ? "rate_limit_exceeded" : reply.status >= 500 ? "server_error" : "invalid_request_error";
        sendJson(res, reply.status, { error: { message: reply.error ?? `stub error ${reply.status}`, type, code: null, param: null } }, headers);
        return;
      }
      const content = reply.content === undefined ? "" : reply.content;
      const promptTokens = countWords(messages.map((m) => m.content).join(" "));
      const completionTokens = countWords(content ?? "");
      completions++;
      sendJson(
        res,
        200,
        {
          id: `chatcmpl-stub-${completions}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: request.model,
          choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        },
        reply.headers,
      );
    } finally {
      inFlight--;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: { message: `stub script failed: ${String(e)}`, type: "server_error", code: null } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const stub: OpenAIStub = {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    script,
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return stub;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function countWords(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}
