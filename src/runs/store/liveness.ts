/**
 * Whether the process writing a run is alive, for finding runs whose trainer
 * died without ending them. Signal 0 finds a process without signalling it;
 * on Linux `/proc/PID/stat` then says two more things. A killed process that
 * its parent has not reaped yet is a zombie (state Z): `kill(pid, 0)` still
 * finds it, but it is dead, so a reader right after a SIGKILL (before the
 * parent's `wait`) sees the run as interrupted. And its start time, recorded
 * with the run (`processStart`), tells a pid reused by another process (a
 * restarted container numbers its processes from 1 again) from the trainer.
 * Where /proc says nothing (macOS, or a pid hidden by `hidepid`), signal 0
 * alone decides, and a zombie or a reused pid reads as alive: such a run stays
 * "running" until marked by hand or by `staleAfterMs`.
 */
import { readFileSync } from "node:fs";

/** The part of /proc/PID/stat after the command name (which may hold spaces and parentheses), split in fields. */
function statFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // Fields 3 onwards: state is field 3, start time (clock ticks after boot) field 22.
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

let bootId: string | undefined;

/**
 * When process `pid` started, as `BOOT_ID:TICKS` (the kernel's boot id and
 * the start in clock ticks after boot, unique to one process on one boot);
 * null where /proc does not say.
 */
export function processStart(pid: number = process.pid): string | null {
  const fields = statFields(pid);
  return fields ? startOf(fields) : null;
}

function startOf(fields: string[]): string | null {
  if (fields.length < 20) return null;
  try {
    bootId ??= readFileSync("/proc/sys/kernel/random/boot_id", "latin1").trim();
  } catch {
    bootId = "";
  }
  return `${bootId}:${fields[19]}`;
}

/**
 * Whether process `pid` is alive and, when `start` is given (a
 * `processStart`), the same process that started then.
 */
export function processAlive(pid: number, start?: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const fields = statFields(pid);
  if (!fields) return true; // no /proc, or hidden: signal 0 has the last word
  if (fields[0] === "Z" || fields[0] === "X") return false; // killed, not yet reaped
  return start == null || startOf(fields) === start;
}
