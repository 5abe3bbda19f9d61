/** Where the package's own files (examples, assets) live, from source or from dist/. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The folder of rewardlab's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "rewardlab") return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error("rewardlab's package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** A file shipped with the package: `packageFile("examples/rewards/doorkey-sparse.yaml")`. */
export function packageFile(relative: string): string {
  return join(packageRoot(), relative);
}
