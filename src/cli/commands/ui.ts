/**
 * `rewardlab ui [--db …] [--port N]`: the dashboard on 127.0.0.1 (runs,
 * comparisons and sweeps from the store; live curves while runs train)
 * until Ctrl-C.
 */
import { UserError } from "../../core/errors.js";
import { defaultStoreLocation, openStore, redactUrl } from "../../runs/store/index.js";
import { intOption } from "../args.js";

export async function ui(opts: { db?: string; port?: string }): Promise<void> {
  const port = intOption(opts.port ?? "8600", "--port", 0, 65535);
  const location = opts.db ?? defaultStoreLocation();
  const store = await openStore(location, { create: false });
  const { buildUi } = await import("../../server/ui/app.js");
  const app = buildUi(store);
  let url: string;
  try {
    url = await app.listen({ host: "127.0.0.1", port });
  } catch (e) {
    await store.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UserError("--port", `port ${port} on 127.0.0.1 is in use; pick another (0: any free port)`);
    throw e;
  }
  process.stderr.write(`rewardlab ui: ${url} (the run store ${redactUrl(location)}); Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await app.close();
  await store.close();
}
