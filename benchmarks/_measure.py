"""Shared measuring helpers: a whole command's wall time and peak memory, this
machine's matrix-multiply rate (the yardstick for model FLOP/s), and what the machine
is (printed with every timing)."""

from __future__ import annotations

import subprocess
import sys
import time

# Runs the command in a fresh parent and prints the peak RSS (KiB) of its largest
# process on the last line of stderr, so measurements do not mask each other.
_WRAP = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(r.returncode)"
)


def machine() -> str:
    """The CPU the timings are taken on, in one line: model, cores, features, torch's
    vector unit and threads, versions."""
    from fairlm._environment import environment

    env = environment()
    cpu, pkgs = env["cpu"], env["packages"]
    has = ", ".join(name for name, present in cpu["features"].items() if present)
    return (
        f"{cpu['model']}, {cpu['logical_cores']} cores ({has}); torch {pkgs['torch']} "
        f"(vector unit {cpu.get('torch_capability')}, {cpu.get('torch_threads')} threads), "
        f"transformers {pkgs['transformers']}"
    )


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """``(wall seconds, peak RSS in GiB, stdout + stderr)``; exits if the command fails."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _WRAP, *cmd], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-4000:]}")
    rss_gib = int(proc.stderr.strip().splitlines()[-1]) / 2**20
    return wall, rss_gib, proc.stdout + proc.stderr


def gemm_flops(dtype, n: int = 1024, seconds: float = 3.0) -> float:
    """Sustained FLOP/s of an n x n matrix multiply in ``dtype`` (a torch dtype) here."""
    import torch

    a = torch.randn(n, n, dtype=dtype)
    b = torch.randn(n, n, dtype=dtype)
    for _ in range(3):
        a @ b
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        a @ b
        reps += 1
    return 2 * n**3 * reps / (time.perf_counter() - start)
