#!/usr/bin/env python3
"""Scenario (i): many processes, one app. 4 processes of 64 senders each send 4,000
messages in all to 10 receivers on the quota-enforcing fake, with larkmsg sharing its
quotas and token through Redis, with larkmsg pacing each process alone, and with the
official SDKs (4 processes each). Prints, per column: messages delivered, throttled
answers, total time against the quota minimum (the goal: within 1.1x for the shared
store), token requests, and the latency per call; then the shared store's added latency
per call (p50, p99) from one unthrottled sender with and without Redis.

Usage: bench/shared_run.py [--count 4000] [--processes 4] [--senders 64] [--receivers 10]
                           [--columns rust,lark-oapi-threads,node-sdk]
Needs what bench/run.sh builds and installs (the release fake and drivers, the Python and
Node columns); starts Redis with scripts/redis.sh.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from orchestrator.config import APP_ID, APP_SECRET, COLUMNS, ROOT, Column
from orchestrator.drivers import run_driver
from orchestrator.fake import Fake
from orchestrator.scenarios import quota_minimum_s, total


def start_redis(directory: str) -> str:
    return subprocess.run(
        [str(ROOT / "scripts/redis.sh"), "start", directory], check=True, capture_output=True, text=True
    ).stdout.strip()


def stop_redis(directory: str) -> None:
    subprocess.run([str(ROOT / "scripts/redis.sh"), "stop", directory], check=True)


def flush_redis(redis_url: str) -> None:
    """Forgets the quotas and the token of the run before."""
    subprocess.run(["redis-cli", "-u", redis_url, "FLUSHALL"], check=True, capture_output=True)


def run_processes(column: Column, fake: Fake, args: argparse.Namespace, redis_url: str | None) -> dict[str, Any]:
    """Runs ``args.processes`` drivers at once against ``fake`` and sums up what they did."""
    fake.reset()
    if redis_url is not None:
        flush_redis(redis_url)
    receivers = [f"ou_bench_{n}" for n in range(args.receivers)]
    share = args.count // args.processes
    params: dict[str, Any] = {
        "mode": "send", "base_url": fake.url, "app_id": APP_ID, "app_secret": APP_SECRET,
        "count": share, "concurrency": args.senders, "receivers": receivers, "pacing": True,
        "max_seconds": 3600,
    }
    if redis_url is not None:
        params["redis_url"] = redis_url
    started = time.monotonic()
    with ThreadPoolExecutor(args.processes) as pool:
        runs = list(pool.map(lambda _: run_driver(column, params, 3600), range(args.processes)))
    wall_s = time.monotonic() - started
    counters = fake.control("GET", "/_fake/counters")
    inbox = fake.control("GET", "/_fake/inbox")
    results = [run.result or {} for run in runs]
    p50s = [r["latency_ms"]["p50"] for r in results if r.get("latency_ms")]
    p99s = [r["latency_ms"]["p99"] for r in results if r.get("latency_ms")]
    return {
        "delivered": len(inbox.get("messages", [])),
        "failed": sum(r.get("failed", 0) for r in results),
        "throttled": total(counters.get("throttled")),
        "token_requests": total(counters.get("token_requests")),
        "wall_s": wall_s,
        "quota_minimum_s": quota_minimum_s(share * args.processes, args.receivers),
        "latency_p50_ms": statistics.median(p50s) if p50s else None,
        "latency_p99_ms": max(p99s) if p99s else None,
        "errors": [run.error for run in runs if run.error],
        "failures": merged_errors(results),
    }


def merged_errors(results: list[dict[str, Any]]) -> dict[str, int]:
    """The drivers' failed calls per error label, summed."""
    merged: dict[str, int] = {}
    for result in results:
        for label, n in (result.get("errors") or {}).items():
            merged[label] = merged.get(label, 0) + n
    return merged


def added_latency(column: Column, fake: Fake, redis_url: str) -> dict[str, Any]:
    """p50 and p99 of one sender's calls, far below every quota (a 50 ms pause after each),
    with and without Redis."""
    figures = {}
    for name, url in (("local", None), ("shared", redis_url)):
        fake.reset()
        params: dict[str, Any] = {
            "mode": "send", "base_url": fake.url, "app_id": APP_ID, "app_secret": APP_SECRET,
            "count": 200, "concurrency": 1, "receivers": [f"ou_probe_{n}" for n in range(200)],
            "pacing": True, "max_seconds": 120, "pause_ms": 50,
        }
        if url is not None:
            params["redis_url"] = url
            flush_redis(url)
        result = run_driver(column, params, 300).result or {}
        figures[name] = result.get("latency_ms", {})
    return {
        "p50_ms": figures["shared"].get("p50", 0) - figures["local"].get("p50", 0),
        "p99_ms": figures["shared"].get("p99", 0) - figures["local"].get("p99", 0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--senders", type=int, default=64)
    parser.add_argument("--receivers", type=int, default=10)
    parser.add_argument("--columns", default="rust,lark-oapi-threads,node-sdk")
    args = parser.parse_args()
    columns = {column.name: column for column in COLUMNS}
    chosen = [columns[name] for name in args.columns.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        redis_url = start_redis(directory)
        try:
            with Fake(("--quotas",)) as fake:
                for column in chosen:
                    variants = [("shared store", redis_url), ("each process alone", None)] if column.larkmsg else [("", None)]
                    for label, url in variants:
                        row = run_processes(column, fake, args, url)
                        row["column"] = f"{column.title} {label}".strip()
                        rows.append(row)
                        print(json.dumps(row), file=sys.stderr)
                larkmsg_column = next((c for c in chosen if c.larkmsg), None)
                extra = added_latency(larkmsg_column, fake, redis_url) if larkmsg_column else None
        finally:
            stop_redis(directory)
    print(f"\n{args.processes} processes x {args.senders} senders, {args.count} sends to {args.receivers} receivers, quotas enforced\n")
    print("| column | delivered | failed | throttled | time (s) | x quota minimum | token requests | p50 (ms) | p99 (ms) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        ratio = row["wall_s"] / row["quota_minimum_s"] if row["quota_minimum_s"] else float("nan")
        print(
            f"| {row['column']} | {row['delivered']} | {row['failed']} | {row['throttled']} | {row['wall_s']:.1f} "
            f"| {ratio:.2f} | {row['token_requests']} | {row['latency_p50_ms']} | {row['latency_p99_ms']} |"
        )
    if extra is not None:
        print(f"\nthe shared store's added latency per call: p50 {extra['p50_ms']:+.2f} ms, p99 {extra['p99_ms']:+.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
