"""Splitting an audit across processes started by ``accelerate launch``.

One process is the plain case (nothing is imported). Under ``accelerate launch
--multi_gpu --num_processes N`` (or ``torchrun --nproc_per_node N``; on a machine without
GPUs the processes use the CPU and talk over gloo) every process loads the model, scores
its share of each benchmark's chunks, and the main process gathers the rows and writes
the files. Rows travel between
processes as JSON (floats round-trip exactly), never as pickles.
"""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["Workers", "workers_from_env"]


class Workers:
    """Rank, world size and the two collective operations an audit needs."""

    def __init__(self, rank: int = 0, world: int = 1, state: Any = None):
        self.rank = rank
        self.world = world
        self._state = state

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def device(self) -> Any:
        return None if self._state is None else self._state.device

    def barrier(self) -> None:
        if self.world > 1:
            self._state.wait_for_everyone()

    def close(self) -> None:
        """Wait for every process, then take the process group down, so that no process
        exits while gloo's threads still serve the others (an exiting rank otherwise
        can abort with "terminate called without an active exception")."""
        if self.world == 1:
            return
        import torch.distributed as dist

        self.barrier()
        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()

    def share(self, items: list[int]) -> list[int]:
        """This process's share of ``items`` (round robin, so work stays balanced)."""
        return items[self.rank :: self.world]

    def gather(self, obj: Any) -> list[Any]:
        """``[obj of rank 0, obj of rank 1, ...]`` on every process (JSON-encoded)."""
        if self.world == 1:
            return [obj]
        import torch
        import torch.distributed as dist

        device = self._state.device
        payload = json.dumps(obj).encode("utf-8")
        data = torch.frombuffer(bytearray(payload), dtype=torch.uint8).to(device)
        size = torch.tensor([data.numel()], dtype=torch.long, device=device)
        sizes = [torch.zeros_like(size) for _ in range(self.world)]
        dist.all_gather(sizes, size)
        longest = int(max(s.item() for s in sizes))
        padded = torch.zeros(longest, dtype=torch.uint8, device=device)
        padded[: data.numel()] = data
        parts = [torch.zeros_like(padded) for _ in range(self.world)]
        dist.all_gather(parts, padded)
        return [
            json.loads(p[: int(n.item())].cpu().numpy().tobytes().decode("utf-8"))
            for p, n in zip(parts, sizes, strict=True)
        ]


def workers_from_env() -> Workers:
    """One process unless started by a distributed launcher (``WORLD_SIZE`` > 1)."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return Workers()
    import torch
    from accelerate import PartialState

    # without a GPU, the processes talk over gloo (accelerate's multi-CPU mode)
    state = PartialState(cpu=not torch.cuda.is_available())
    if state.num_processes > 1 and not os.environ.get("OMP_NUM_THREADS"):
        # share the cores between the processes instead of oversubscribing them
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // state.num_processes))
    return Workers(state.process_index, state.num_processes, state)
