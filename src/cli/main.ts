#!/usr/bin/env node
/** The `rewardlab` executable: runs the command line and sets the exit code. */
import { main } from "./program.js";

process.exitCode = await main(process.argv.slice(2));
// A worker of `serve --workers` holds a channel to its primary: let go of it, so the worker can exit.
if (process.connected) process.disconnect();
