/**
 * An OpenAI client for any OpenAI-compatible endpoint: the OpenAI API itself,
 * or a local server (vLLM, llama.cpp, Ollama, LM Studio, …) at `baseURL`.
 *
 * The key comes from `apiKey`, else from the environment variable named by
 * `apiKeyEnv` (default `OPENAI_API_KEY`). A local endpoint (localhost,
 * 127.x.x.x, ::1) gets a dummy key when none is set, since those servers
 * rarely check it; any other endpoint without a key is a `UserError` naming
 * the variable. Retries are the SDK's own (429, 408, 409, 5xx, connection
 * errors and timeouts; exponential backoff honouring `Retry-After`).
 */
import OpenAI from "openai";
import { joinPath, UserError } from "../core/errors.js";

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
export const DEFAULT_API_KEY_ENV = "OPENAI_API_KEY";
/** The key sent to local endpoints when none is set. */
export const LOCAL_DUMMY_API_KEY = "sk-local";

export interface OpenAIEndpointOptions {
  /** The endpoint, e.g. `http://127.0.0.1:8000/v1`; default `OPENAI_BASE_URL` from `env`, else the OpenAI API. */
  baseURL?: string | undefined;
  /** The key itself; takes precedence over `apiKeyEnv`. */
  apiKey?: string | undefined;
  /** The environment variable holding the key (default `OPENAI_API_KEY`). */
  apiKeyEnv?: string | undefined;
  /** Per-request timeout in milliseconds (default 60 000). Timed-out requests count as failures the SDK retries. */
  timeoutMs?: number | undefined;
  /** Retries of a failed request by the SDK (default 2). */
  maxRetries?: number | undefined;
  /** Where keys are read from (default `process.env`). */
  env?: Record<string, string | undefined> | undefined;
  /** Prefix for the paths of `UserError`s (`scorers[0]` gives `scorers[0].apiKeyEnv`). */
  path?: string | undefined;
}

/** True for localhost, `*.localhost`, 127.0.0.0/8, ::1 and 0.0.0.0. */
export function isLocalURL(url: string | URL): boolean {
  let host: string;
  try {
    host = (typeof url === "string" ? new URL(url) : url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || host === "0.0.0.0" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The endpoint `options` describe; throws a `UserError` on a bad URL or a missing key. */
export function resolveOpenAIEndpoint(options: OpenAIEndpointOptions = {}): { baseURL: string; apiKey: string } {
  const env = options.env ?? process.env;
  const baseURL = options.baseURL ?? nonEmpty(env.OPENAI_BASE_URL) ?? DEFAULT_OPENAI_BASE_URL;
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new UserError(joinPath(options.path ?? "", "baseURL"), `expected an http:// or https:// URL, got ${JSON.stringify(baseURL)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserError(joinPath(options.path ?? "", "baseURL"), `expected an http:// or https:// URL, got ${JSON.stringify(baseURL)}`);
  }
  const keyEnv = options.apiKeyEnv ?? DEFAULT_API_KEY_ENV;
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env[keyEnv]);
  if (apiKey !== undefined) return { baseURL, apiKey };
  if (isLocalURL(url)) return { baseURL, apiKey: LOCAL_DUMMY_API_KEY };
  throw new UserError(
    joinPath(options.path ?? "", "apiKeyEnv"),
    `the environment variable ${keyEnv} is not set, and ${url.origin} needs an API key (set ${keyEnv}, or name another variable with apiKeyEnv)`,
  );
}

/** An OpenAI SDK client for the endpoint `options` describe. */
export function createOpenAIClient(options: OpenAIEndpointOptions = {}): OpenAI {
  const { baseURL, apiKey } = resolveOpenAIEndpoint(options);
  const env = options.env ?? process.env;
  return new OpenAI({
    baseURL,
    apiKey,
    // Read from the same environment as the key, not behind our back from process.env.
    organization: nonEmpty(env.OPENAI_ORG_ID) ?? null,
    project: nonEmpty(env.OPENAI_PROJECT_ID) ?? null,
    timeout: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 2,
  });
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === "" ? undefined : s;
}
