"""Runs CleanRL's ppo.py unchanged, for `rewardlab bench train --vs-cleanrl DIR`.

Usage: python3 run_cleanrl.py CLEANRL_DIR [ppo.py's flags, e.g. --seed 1 --total-timesteps 500000]

ppo.py imports three packages only for argument parsing and logging: tyro
(command-line flags into its `Args` dataclass), torch.utils.tensorboard
(`SummaryWriter`) and wandb (only with --track). Where they are not
installed, this runner stands in minimal replacements for them before
running the script, so the measured work (Gymnasium's environments, the
PyTorch networks, the PPO update) is CleanRL's own code. The replacements do
nothing per step that the originals would not: the writer drops scalars.

After the run it prints `CPU seconds: S`, the process's CPU time for ppo.py
(setup and training, imports excluded): on a machine shared with other work,
steps per CPU second are steadier than steps per wall-clock second.
"""
import dataclasses
import resource
import runpy
import sys
import types


def _parse_flag(value, field_type):
    if field_type in (bool, "bool"):
        return value.lower() in ("1", "true", "yes")
    if field_type in (int, "int"):
        return int(value)
    if field_type in (float, "float"):
        return float(value)
    return value


def _tyro_cli(cls):
    """tyro.cli for flat dataclasses: `--name value`, `--name` (true) or `--no-name` (false) for booleans."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    args = sys.argv[1:]
    i = 0
    while i < len(args):
        name = args[i].lstrip("-").replace("-", "_")
        if "=" in name:
            name, value = name.split("=", 1)
            values[name] = _parse_flag(value, fields[name].type)
        elif name.startswith("no_") and name[3:] in fields:
            values[name[3:]] = False
        elif fields[name].type in (bool, "bool") and (i + 1 == len(args) or args[i + 1].startswith("--")):
            values[name] = True
        else:
            i += 1
            values[name] = _parse_flag(args[i], fields[name].type)
        i += 1
    return cls(**values)


class _SummaryWriter:
    """torch.utils.tensorboard.SummaryWriter that keeps nothing (ppo.py prints what we parse)."""

    def __init__(self, *args, **kwargs):
        pass

    def add_scalar(self, *args, **kwargs):
        pass

    def add_text(self, *args, **kwargs):
        pass

    def close(self):
        pass


def _install_shims():
    try:
        import tyro  # noqa: F401
    except ImportError:
        sys.modules["tyro"] = types.SimpleNamespace(cli=_tyro_cli)
    try:
        import torch.utils.tensorboard  # noqa: F401
    except ImportError:
        sys.modules["torch.utils.tensorboard"] = types.SimpleNamespace(SummaryWriter=_SummaryWriter)


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    cleanrl_dir = sys.argv.pop(1)
    _install_shims()
    # Import what ppo.py imports first, so the CPU time printed at the end counts its run, not the imports.
    import gymnasium  # noqa: F401
    import torch  # noqa: F401

    script = f"{cleanrl_dir}/cleanrl/ppo.py"
    sys.argv[0] = script
    cpu0 = _cpu_seconds()
    runpy.run_path(script, run_name="__main__")
    print(f"CPU seconds: {_cpu_seconds() - cpu0:.3f}")
