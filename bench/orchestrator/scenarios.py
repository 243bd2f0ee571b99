"""The scenarios: what each (scenario, column) pair runs and the figures it keeps."""

from __future__ import annotations

import math
import statistics
import sys
import threading
import time
from typing import Any

from .config import (
    APP_ID,
    APP_QUOTAS,
    APP_SECRET,
    CAMPAIGN_ID,
    CONSTRUCT_RUNS,
    LATENCY_MS,
    RECEIVER_QUOTAS,
    RECEIVERS,
    TOKEN_REJECTED_CODES,
    Column,
    Scenario,
)
from .drivers import run_driver
from .fake import Fake


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def campaign_receivers(count: int) -> list[str]:
    """The campaign scenario's receivers: ``count`` of them, each sent to once."""
    return [f"ou_campaign_{i}" for i in range(count)]


def base_params(fake: Fake, scenario: Scenario, column: Column, count: int, max_seconds: float) -> dict[str, Any]:
    params = {
        "mode": "send",
        "base_url": fake.url,
        "app_id": APP_ID,
        "app_secret": APP_SECRET,
        "count": count,
        "concurrency": scenario.concurrency,
        "receivers": RECEIVERS,
        "pacing": scenario.pacing,
        "max_seconds": max_seconds,
    }
    if scenario.name == "campaign":
        # larkmsg makes one campaign call; an official SDK, which has none, sends to each
        # receiver from as many senders as the campaign keeps in flight.
        params.update(receivers=campaign_receivers(count), campaign_id=CAMPAIGN_ID)
        if column.larkmsg:
            params["mode"] = "campaign"
    return params


def total(mapping: dict[str, int] | None) -> int:
    return sum((mapping or {}).values())


def calls_per_s(result: dict[str, Any]) -> float | None:
    elapsed = result.get("elapsed_s") or 0
    return result.get("succeeded", 0) / elapsed if elapsed > 0 else None


def quota_minimum_s(count: int, receivers: int) -> float:
    """The least time ``count`` sends, round-robin over ``receivers``, need under the
    documented quotas together: the earliest schedule, in which each send goes as soon as
    every sliding window allows ("L per W": the send L places before in that window's
    lane, app or receiver, is W earlier). Under 1000 per minute and 50 per second, 4,000
    sends need 199 s: each thousand takes 19 s, and a minute separates the thousands."""
    at: list[float] = []
    for i in range(count):
        earliest = at[-1] if at else 0.0
        for limit, window in APP_QUOTAS:
            if i >= limit:
                earliest = max(earliest, at[i - limit] + window)
        for limit, window in RECEIVER_QUOTAS:
            if i >= limit * receivers:
                earliest = max(earliest, at[i - limit * receivers] + window)
        at.append(earliest)
    return at[-1] if at else 0.0


def run_construct(column: Column, max_seconds: float) -> dict[str, Any]:
    runs = []
    with Fake(()) as fake:
        params = {"mode": "construct", "base_url": fake.url, "app_id": APP_ID, "app_secret": APP_SECRET,
                  "max_seconds": max_seconds}
        for _ in range(CONSTRUCT_RUNS):
            run = run_driver(column, params, max_seconds + 60)
            if run.result is None:
                return {"error": run.error}
            runs.append({"construct_ms": run.result.get("construct_ms"), "peak_rss_kib": run.peak_rss_kib,
                         "exit_note": run.exit_note})
    exit_notes = [r["exit_note"] for r in runs if r["exit_note"]]
    return {
        **({"exit_note": f"{len(exit_notes)} of {len(runs)} runs: {exit_notes[0]}"} if exit_notes else {}),
        "runs": runs,
        "construct_ms": statistics.median(r["construct_ms"] for r in runs),
        "peak_rss_kib": statistics.median(r["peak_rss_kib"] for r in runs),
    }


def run_send(column: Column, scenario: Scenario, count: int, max_seconds: float) -> dict[str, Any]:
    with Fake(scenario.fake_args) as fake:
        params = base_params(fake, scenario, column, count, max_seconds)
        floor_ms = None
        if scenario.name == "latency":
            floor_ms = fake.floor_ms()
            fake.reset()  # the floor's token requests and connection are not the driver's
        revoker = Revoker(fake, count // 2) if scenario.name == "revoke" else None
        if revoker is not None:
            revoker.start()
        run = run_driver(column, params, max_seconds + 60)
        if revoker is not None:
            revoker.stop()
        counters = fake.control("GET", "/_fake/counters")
        inbox = fake.control("GET", "/_fake/inbox")
        control_connections = fake.control_connections - 1  # the inbox read came after the counters
        fake_cpu_s = fake.stop()
    figures: dict[str, Any] = {
        "driver": run.result,
        "peak_rss_kib": run.peak_rss_kib,
        "wall_s": run.wall_s,
        "driver_cpu_s": run.cpu_s,
        "fake_cpu_s": fake_cpu_s,
        "counters": counters,
        "delivered": len(inbox.get("messages", [])),
        "control_connections": control_connections,
    }
    if run.exit_note:
        figures["exit_note"] = run.exit_note
    if run.result is None:
        figures["error"] = run.error
        return figures
    requests = total(counters.get("requests")) + total(counters.get("token_requests"))
    client_connections = max(0, counters.get("connections", 0) - control_connections)
    figures.update(
        calls_per_s=calls_per_s(run.result),
        token_requests=total(counters.get("token_requests")),
        throttled=total(counters.get("throttled")),
        client_connections=client_connections,
        connections_per_request=client_connections / requests if requests else None,
    )
    if floor_ms is not None:
        ideal = scenario.concurrency / (LATENCY_MS / 1000)
        cap = scenario.concurrency / (floor_ms / 1000)
        figures.update(
            ideal_calls_per_s=ideal,
            share_of_ideal=(figures["calls_per_s"] or 0) / ideal,
            fake_floor_ms=floor_ms,
            fake_cap_calls_per_s=cap,
            share_of_fake_cap=(figures["calls_per_s"] or 0) / cap,
        )
    if scenario.name == "quota":
        figures["quota_minimum_s"] = quota_minimum_s(count, len(RECEIVERS))
    if scenario.name == "campaign":
        receivers = [message.get("receive_id") for message in inbox.get("messages", [])]
        minimum = quota_minimum_s(count, count)
        figures.update(
            receivers_reached=len(set(receivers)),
            duplicates=len(receivers) - len(set(receivers)),
            quota_minimum_s=minimum,
            times_minimum=run.result["elapsed_s"] / minimum if minimum else None,
        )
    if revoker is not None:
        auth_failures = token_rejections(run.result.get("errors", {}))
        sent = counters.get("requests", {}).get("send_message", 0)
        figures.update(
            revoked=revoker.revoked_at is not None,
            revoked_after_requests=revoker.revoked_at,
            requests_after_revocation=sent - revoker.revoked_at if revoker.revoked_at is not None else 0,
            auth_failures=auth_failures,
        )
    return figures


def run_raw_reference(scenario: Scenario, count: int) -> dict[str, Any]:
    """(e) without any SDK: ``concurrency`` threads of this process, each with its own
    keep-alive connection, make raw calls to the token endpoint of a fresh fake: what the
    fake and the machine allow a minimal client."""
    per_sender = max(1, count // scenario.concurrency)
    with Fake(scenario.fake_args) as fake:
        times: list[float] = []
        started = time.perf_counter()
        senders = [threading.Thread(target=lambda: times.extend(fake.raw_calls(per_sender)))
                   for _ in range(scenario.concurrency)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        elapsed = time.perf_counter() - started
    times.sort()
    ideal = scenario.concurrency / (LATENCY_MS / 1000)

    def rank(percent: float) -> float | None:
        return times[max(1, math.ceil(percent / 100 * len(times))) - 1] if times else None

    return {
        "calls": len(times),
        "elapsed_s": elapsed,
        "calls_per_s": len(times) / elapsed,
        "share_of_ideal": len(times) / elapsed / ideal,
        "latency_ms": {"p50": rank(50), "p99": rank(99), "max": rank(100)},
    }


class Revoker(threading.Thread):
    """Polls the counters every 10 ms and revokes every token once ``threshold`` send
    requests reached the fake."""

    def __init__(self, fake: Fake, threshold: int) -> None:
        super().__init__(daemon=True)
        self.fake, self.threshold = fake, threshold
        self.revoked_at: int | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.01):
            try:
                seen = self.fake.control("GET", "/_fake/counters").get("requests", {}).get("send_message", 0)
                if seen >= self.threshold:
                    self.fake.control("POST", "/_fake/revoke_tokens")
                    self.revoked_at = seen
                    return
            except OSError as error:  # the next poll tries again
                log(f"revoke: control request failed: {error}")

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def token_rejections(errors: dict[str, int]) -> int:
    """Failures for a rejected token: larkmsg's `auth` kind, or the official SDKs' codes."""
    return sum(n for label, n in errors.items()
               if label.startswith("auth") or label in {f"code:{code}" for code in TOKEN_REJECTED_CODES})
