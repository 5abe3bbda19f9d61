/** Help texts shared by the commands' declarations. */
export const REPORT_HELP = "write the HTML report here (default: reports/<name>-<timestamp>.html)";
export const NO_REPORT_HELP = "do not write an HTML report";

export const SEEDS_FORMS = "a count n (seeds 0 … n−1), a list 7,8,9 or a range 10-19 (one seed: 7-7)";

export const STORE_WHERE = ": an SQLite file or a postgres:// URL (default: $REWARDLAB_DB, else ./rewardlab.db)";
export const DB_HELP = "record runs, metrics, episodes and checkpoints in this run store";
export const NO_DB_HELP = "do not record the runs";
