#!/usr/bin/env node
/** The `rewardlab` executable: runs the command line and sets the exit code. */
import { main } from "./program.js";

process.exitCode = await main(process.argv.slice(2));
