"""Memory stays flat over many calls: N calls against the fake (half through the sync
client, half through the async client; every fifth request breaks a rule and fails
validation), sampling this process's resident memory every N/10 calls.

The fake runs in a child process, so that only the client's memory is measured. Flat means:
from the sample at 20% of the calls (after warm-up) to the last one, RSS grows by less
than --max-growth-mb. Exits 1 otherwise. Linux only (reads /proc/self/status).

Usage: python memory_loop.py [--calls 100000] [--max-growth-mb 4]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import subprocess
import sys
import time

import larkmsg
import larkmsg.testing

VALID = {"receive_id_type": "open_id", "receive_id": "ou_1", "msg_type": "text", "content": '{"text":"hi"}'}
INVALID = {**VALID, "content": "{}"}
CONCURRENCY = 8


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def request(i: int) -> dict[str, str]:
    return INVALID if i % 5 == 4 else VALID


def sync_calls(client: larkmsg.Client, start: int, count: int) -> int:
    failures = 0
    for i in range(start, start + count):
        try:
            client.send_message(request(i))  # type: ignore[arg-type]
        except larkmsg.ValidationError:
            failures += 1
    return failures


async def async_calls(client: larkmsg.AsyncClient, start: int, count: int) -> int:
    async def one(i: int) -> int:
        try:
            await client.send_message(request(i))  # type: ignore[arg-type]
            return 0
        except larkmsg.ValidationError:
            return 1

    failures = 0
    for batch in range(start, start + count, CONCURRENCY):
        end = min(batch + CONCURRENCY, start + count)
        failures += sum(await asyncio.gather(*(one(i) for i in range(batch, end))))
    return failures


def serve_fake() -> None:
    from larkmsg.testing import FakeServer

    with FakeServer() as fake:
        print(fake.url, flush=True)
        sys.stdin.read()  # serve until the parent closes our stdin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--max-growth-mb", type=float, default=4.0)
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake()
        return 0

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve-fake"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        options = {"base_url": url, "quotas": False}
        chunk = max(args.calls // 10, 1)
        samples: list[float] = []
        failures = 0
        started = time.perf_counter()
        with larkmsg.Client(larkmsg.testing.DEFAULT_APP_ID, larkmsg.testing.DEFAULT_APP_SECRET, **options) as client:
            aclient = larkmsg.AsyncClient(
                larkmsg.testing.DEFAULT_APP_ID, larkmsg.testing.DEFAULT_APP_SECRET, **options
            )

            async def async_part(start: int, count: int) -> int:
                return await async_calls(aclient, start, count)

            for done in range(0, args.calls, chunk):
                count = min(chunk, args.calls - done)
                half = count // 2
                failures += sync_calls(client, done, half)
                failures += asyncio.run(async_part(done + half, count - half))
                gc.collect()
                samples.append(rss_mb())
                print(f"{done + count:>8} calls  rss {samples[-1]:7.1f} MB", flush=True)
        elapsed = time.perf_counter() - started
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=30)

    warm = samples[min(1, len(samples) - 1)]
    growth = samples[-1] - warm
    expected_failures = sum(1 for i in range(args.calls) if i % 5 == 4)
    print(
        f"{args.calls} calls in {elapsed:.1f} s ({args.calls / elapsed:.0f}/s); {failures} validation errors; "
        f"rss after warm-up (20%) {warm:.1f} MB, at the end {samples[-1]:.1f} MB, growth {growth:+.1f} MB "
        f"(bound {args.max_growth_mb} MB)"
    )
    if failures != expected_failures:
        print(f"expected {expected_failures} validation errors", file=sys.stderr)
        return 1
    if growth >= args.max_growth_mb:
        print("memory grows: possible leak", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
