/** The package version, printed by `rewardlab --version` and stored with runs. */
export const VERSION = "0.1.0";
