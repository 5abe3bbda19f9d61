/** The common options the builder helpers take (the spec's common fields, as the TypeScript API writes them). */
import type { Transform } from "./fields.js";

export type CommonOptions = { name?: string; weight?: number; objective?: string; transforms?: Transform[] };
