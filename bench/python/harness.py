"""The send loop and result of every Python driver (see bench/README.md), so that each SDK
is measured the same way. Standard library only: drivers import it before their SDK.

A driver gives ``send(i)`` (blocking, or a coroutine function for ``asyncio``) that sends
message ``i`` and returns ``None`` on success or an error label, and ``label(error)`` for
exceptions. ``concurrency`` workers take the next index from a shared counter until
``count`` are taken or ``max_seconds`` have passed.
"""

import asyncio
import itertools
import math
import threading
import time
from collections import Counter


class Tally:
    """Indexes handed out, latencies and error labels, shared by the workers."""

    def __init__(self, params, label):
        self.count = params["count"]
        self.stop_at = time.perf_counter() + params.get("max_seconds", 120)
        self.indexes = itertools.count()
        self.label = label
        self.latencies_ms = []
        self.errors = Counter()

    def take(self):
        """The next message index, or None when all are taken or time is up."""
        index = next(self.indexes)
        return index if index < self.count and time.perf_counter() < self.stop_at else None

    def record(self, began, outcome):
        """Records one call that began at ``began``: ``None``, a label or an exception."""
        self.latencies_ms.append((time.perf_counter() - began) * 1000)
        if isinstance(outcome, BaseException):
            outcome = self.label(outcome)
        if outcome is not None:
            self.errors[outcome] += 1

    def result(self, elapsed_s):
        latencies = sorted(self.latencies_ms)

        def rank(percent):
            return latencies[max(1, math.ceil(percent / 100 * len(latencies))) - 1] if latencies else None

        failed = sum(self.errors.values())
        return {
            "attempted": len(latencies),
            "succeeded": len(latencies) - failed,
            "failed": failed,
            "errors": dict(self.errors),
            "elapsed_s": elapsed_s,
            "latency_ms": {"p50": rank(50), "p99": rank(99), "max": rank(100)},
            "truncated": len(latencies) < self.count,
        }


def run_threads(params, send, label):
    """Sends from ``concurrency`` threads; gives the result object."""
    tally = Tally(params, label)
    started = time.perf_counter()

    def worker():
        while (index := tally.take()) is not None:
            began = time.perf_counter()
            try:
                outcome = send(index)
            except Exception as error:  # every failure is an outcome to count
                outcome = error
            tally.record(began, outcome)

    workers = [threading.Thread(target=worker) for _ in range(params["concurrency"])]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return tally.result(time.perf_counter() - started)


def run_asyncio(params, send, label):
    """Sends from ``concurrency`` tasks on one event loop; gives the result object."""

    async def main():
        tally = Tally(params, label)
        started = time.perf_counter()

        async def worker():
            while (index := tally.take()) is not None:
                began = time.perf_counter()
                try:
                    outcome = await send(index)
                except Exception as error:  # every failure is an outcome to count
                    outcome = error
                tally.record(began, outcome)

        await asyncio.gather(*(worker() for _ in range(params["concurrency"])))
        return tally.result(time.perf_counter() - started)

    return asyncio.run(main())
