/**
 * Whether a process is alive, for finding runs whose trainer died without
 * ending them. Signal 0 checks without signalling. A pid the OS has reused
 * for another process reads as alive: such a run stays "running" until
 * marked by hand or by `staleAfterMs`.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
