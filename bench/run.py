"""The larkmsg benchmark orchestrator (Python 3.11, standard library only).

Runs every scenario for every column against a fresh fake server (``larkmsg-fake``), reads
each driver's JSON result and peak RSS, and writes ``latest.json`` and ``latest.md`` (then
the README table). ``bench/run.sh`` builds and installs everything first; see bench/README.md.

    python3 bench/run.py [--quick] [--columns a,b] [--scenarios a,b] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"
BENCH = ROOT / "target" / "bench"
FAKE = RELEASE / "larkmsg-fake"
VENV_PYTHON = BENCH / "venv" / "bin" / "python"
NODE_PATH = BENCH / "node" / "node_modules"
README = ROOT / "README.md"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"

APP_ID, APP_SECRET = "cli_fake_app", "fake_app_secret"
RECEIVERS = [f"ou_bench_{i}" for i in range(10)]
DEFAULT_MAX_SECONDS = 120.0
CONSTRUCT_RUNS = 5
# Documented send message quotas: per app 50 per second and 1000 per minute; 5 per second
# per receiver (the same numbers as core/src/quota.rs and the fake's core/src/fake/quota.rs).
APP_QUOTAS = [(50, 1.0), (1000, 60.0)]
RECEIVER_QUOTAS = [(5, 1.0)]
LATENCY_MS = 20


@dataclass(frozen=True)
class Column:
    """One SDK (and concurrency model) measured by its driver."""

    name: str
    title: str
    command: list[str]
    driver: Path
    larkmsg: bool
    variant: str | None = None
    construct_group: str | None = None  # columns sharing one construct figure


COLUMNS = [
    Column("rust", "Rust core", [str(RELEASE / "larkmsg-bench-driver")], RELEASE / "larkmsg-bench-driver", True),
    Column("c", "C", [str(BENCH / "c-driver")], BENCH / "c-driver", True),
    Column(
        "python-threads",
        "Python threads",
        [str(VENV_PYTHON), str(ROOT / "bench/python/driver_larkmsg.py")],
        ROOT / "bench/python/driver_larkmsg.py",
        True,
        "threads",
        "python",
    ),
    Column(
        "python-asyncio",
        "Python asyncio",
        [str(VENV_PYTHON), str(ROOT / "bench/python/driver_larkmsg.py")],
        ROOT / "bench/python/driver_larkmsg.py",
        True,
        "asyncio",
        "python",
    ),
    Column("node", "Node", ["node", str(ROOT / "bench/node/driver_larkmsg.js")], ROOT / "bench/node/driver_larkmsg.js", True),
    Column(
        "lark-oapi-threads",
        "lark-oapi threads",
        [str(VENV_PYTHON), str(ROOT / "bench/python/driver_lark_oapi.py")],
        ROOT / "bench/python/driver_lark_oapi.py",
        False,
        "threads",
        "lark-oapi",
    ),
    Column(
        "lark-oapi-asyncio",
        "lark-oapi asyncio",
        [str(VENV_PYTHON), str(ROOT / "bench/python/driver_lark_oapi.py")],
        ROOT / "bench/python/driver_lark_oapi.py",
        False,
        "asyncio",
        "lark-oapi",
    ),
    Column(
        "node-sdk",
        "node-sdk",
        ["node", str(ROOT / "bench/node/driver_node_sdk.js")],
        ROOT / "bench/node/driver_node_sdk.js",
        False,
    ),
]


@dataclass(frozen=True)
class Scenario:
    """One scenario: the fake's flags and the driver's parameters."""

    key: str
    name: str
    title: str
    count: int
    concurrency: int
    pacing: bool = False
    fake_args: tuple[str, ...] = ()


SCENARIOS = [
    Scenario("a", "construct", "(a) import/load + client construction", 0, 1),
    Scenario("b", "sequential", "(b) 2,000 sequential sends", 2000, 1),
    Scenario("c", "concurrent", "(c) 20,000 sends from 64 concurrent senders", 20000, 64),
    Scenario("d", "first_calls", "(d) 64 simultaneous first calls on a new client", 64, 64),
    Scenario(
        "e",
        "latency",
        f"(e) {LATENCY_MS} ms added to every answer, 64 concurrent senders",
        12800,
        64,
        fake_args=("--latency-ms", str(LATENCY_MS)),
    ),
    Scenario("f", "quota", "(f) quotas enforced: 1,000 sends to 10 receivers", 1000, 64, True, ("--quotas",)),
    Scenario("g", "revoke", "(g) all tokens revoked mid-run", 4000, 64),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# The fake server


class Fake:
    """A fresh ``larkmsg-fake`` on 127.0.0.1 that stops when its stdin closes."""

    def __init__(self, args: tuple[str, ...]) -> None:
        self.process = subprocess.Popen(
            [str(FAKE), "--port", "0", "--exit-on-stdin-eof", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"larkmsg-fake did not print its URL (got {self.url!r})")
        self.control_connections = 0
        self.cpu_s: float | None = None
        self._lock = threading.Lock()
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """One control request (a connection of its own, counted so it can be left out)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with self._lock:
            self.control_connections += 1
        with self._opener.open(request, timeout=30) as answer:
            return json.loads(answer.read())

    def reset(self) -> None:
        """Forgets the inbox and the counters (tokens stay), this very request included."""
        self.control("POST", "/_fake/reset")
        with self._lock:
            self.control_connections = 0

    def floor_ms(self, calls: int = 50) -> float:
        """The median time of a raw keep-alive HTTP call to the token endpoint, one at a time:
        what the fake itself takes to answer (its added latency included), with no SDK."""
        host, port = self.url.removeprefix("http://").split(":")
        body = json.dumps({"app_id": APP_ID, "app_secret": APP_SECRET})
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        with self._lock:
            self.control_connections += 1
        times = []
        try:
            for _ in range(calls):
                started = time.perf_counter()
                connection.request("POST", "/open-apis/auth/v3/tenant_access_token/internal", body,
                                   {"Content-Type": "application/json"})
                connection.getresponse().read()
                times.append((time.perf_counter() - started) * 1000)
        finally:
            connection.close()
        return statistics.median(times)

    def stop(self) -> float | None:
        """Stops the fake (closing its stdin) and gives the CPU seconds it used."""
        if self.process.returncode is not None:
            return self.cpu_s
        if self.process.stdin is not None:
            self.process.stdin.close()
        timer = threading.Timer(10, self.process.kill)
        timer.start()
        _, status, usage = os.wait4(self.process.pid, 0)
        timer.cancel()
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self.cpu_s = usage.ru_utime + usage.ru_stime
        return self.cpu_s

    def __enter__(self) -> Fake:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------------------
# Drivers


@dataclass
class DriverRun:
    """One driver process: its JSON result (or why there is none) and its peak RSS."""

    result: dict[str, Any] | None
    peak_rss_kib: int
    wall_s: float
    cpu_s: float
    error: str | None = None
    exit_note: str | None = None  # the driver printed its result, then exited non-zero


def run_driver(column: Column, params: dict[str, Any], timeout_s: float) -> DriverRun:
    """Runs the driver, reaping it with ``os.wait4`` for its peak RSS (``ru_maxrss``, KiB)."""
    env = dict(os.environ, NODE_PATH=str(NODE_PATH))
    if column.variant is not None:
        params = dict(params, variant=column.variant)
    with tempfile.TemporaryFile() as stderr:
        started = time.monotonic()
        process = subprocess.Popen(
            [*column.command, json.dumps(params)], stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=ROOT
        )
        timer = threading.Timer(timeout_s, process.kill)
        timer.start()
        assert process.stdout is not None
        output = process.stdout.read().decode(errors="replace")
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        wall_s = time.monotonic() - started
        cpu_s = usage.ru_utime + usage.ru_stime
        stderr.seek(0)
        error_text = stderr.read().decode(errors="replace").strip()
    lines = [line for line in output.splitlines() if line.strip()]
    why = f"exit status {process.returncode}" + (f": {error_text[-400:]}" if error_text else "")
    try:
        result = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        result = None
    if not isinstance(result, dict):
        if process.returncode == 0:
            why = f"last line is not a JSON object: {lines[-1][:200]}" if lines else "no output"
        return DriverRun(None, usage.ru_maxrss, wall_s, cpu_s, why)
    exit_note = f"{why} after printing its result" if process.returncode != 0 else None
    return DriverRun(result, usage.ru_maxrss, wall_s, cpu_s, exit_note=exit_note)


def base_params(fake: Fake, scenario: Scenario, count: int, max_seconds: float) -> dict[str, Any]:
    return {
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


# --------------------------------------------------------------------------------------
# Scenarios


def total(mapping: dict[str, int] | None) -> int:
    return sum((mapping or {}).values())


def calls_per_s(result: dict[str, Any]) -> float | None:
    elapsed = result.get("elapsed_s") or 0
    return result.get("succeeded", 0) / elapsed if elapsed > 0 else None


def quota_minimum_s(count: int, receivers: int) -> float:
    """The least time ``count`` sends spread over ``receivers`` need under the documented
    quotas: sliding windows, so N calls under "L per W" need (ceil(N / L) - 1) * W."""
    per_receiver = math.ceil(count / receivers)
    bounds = [(math.ceil(count / limit) - 1) * window for limit, window in APP_QUOTAS]
    bounds += [(math.ceil(per_receiver / limit) - 1) * window for limit, window in RECEIVER_QUOTAS]
    return max(bounds)


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
        params = base_params(fake, scenario, count, max_seconds)
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
    if revoker is not None:
        auth_failures = sum(n for label, n in run.result.get("errors", {}).items() if label.startswith("auth"))
        sent = counters.get("requests", {}).get("send_message", 0)
        figures.update(
            revoked=revoker.revoked_at is not None,
            revoked_after_requests=revoker.revoked_at,
            requests_after_revocation=sent - revoker.revoked_at if revoker.revoked_at is not None else 0,
            auth_failures=auth_failures,
        )
    return figures


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


# --------------------------------------------------------------------------------------
# Machine and versions


def command_output(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout or done.stderr).strip() or None if done.returncode == 0 else None


def machine() -> dict[str, Any]:
    cpu = None
    memory_gib = None
    os_name = platform.platform()
    try:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
             if line.startswith("model name")),
            None,
        )
        mem_kib = next(
            int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        memory_gib = round(mem_kib / 1024 / 1024, 1)
        release = dict(
            line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
        )
        os_name = f"{release.get('PRETTY_NAME', '').strip(chr(34))} (Linux {platform.release()})"
    except (OSError, StopIteration, ValueError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory_gib, "os": os_name}


def version_of(command: list[str]) -> str | None:
    """The version a `--version` command prints, without the program's name."""
    text = command_output(command)
    return text.split(" ", 1)[1] if text and " " in text else text


def versions() -> dict[str, str | None]:
    node_sdk = NODE_PATH / "@larksuiteoapi" / "node-sdk" / "package.json"
    larkmsg_node = NODE_PATH / "larkmsg" / "package.json"
    venv = str(VENV_PYTHON)
    return {
        "rustc": version_of(["rustc", "--version"]),
        "python": version_of([venv, "--version"]) or platform.python_version(),
        "node": (command_output(["node", "--version"]) or "").removeprefix("v") or None,
        "larkmsg (python)": command_output(
            [venv, "-c", "import importlib.metadata as m; print(m.version('larkmsg'))"]
        ),
        "larkmsg (node)": json.loads(larkmsg_node.read_text())["version"] if larkmsg_node.exists() else None,
        "lark-oapi": command_output([venv, "-c", "import importlib.metadata as m; print(m.version('lark-oapi'))"]),
        "node-sdk": json.loads(node_sdk.read_text())["version"] if node_sdk.exists() else None,
    }


# --------------------------------------------------------------------------------------
# Tables


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def latency(figures: dict[str, Any], key: str) -> Any:
    return ((figures.get("driver") or {}).get("latency_ms") or {}).get(key)


def cpu_per_call_us(figures: dict[str, Any]) -> float | None:
    """CPU time (user + system) of the whole driver process per attempted call."""
    attempted = (figures.get("driver") or {}).get("attempted")
    return 1e6 * figures["driver_cpu_s"] / attempted if attempted and "driver_cpu_s" in figures else None


def status_note(figures: dict[str, Any] | None) -> str | None:
    """Why a cell has no figures, or what is odd about it (truncated, failures)."""
    if figures is None:
        return "not run"
    if "not_run" in figures:
        return f"not run ({figures['not_run']})"
    if "error" in figures:
        return f"driver failed: {figures['error'][:120]}"
    driver = figures.get("driver") or {}
    notes = [figures["exit_note"][:160]] if figures.get("exit_note") else []
    if driver.get("truncated"):
        notes.append("truncated at max_seconds")
    if driver.get("failed"):
        errors = ", ".join(f"{label} ×{n}" for label, n in sorted(driver.get("errors", {}).items()))
        notes.append(f"{driver['failed']} failed ({errors})")
    return "; ".join(notes) or None


ROWS: dict[str, list[tuple[str, Any]]] = {
    "construct": [
        ("construct ms (median of 5)", lambda f: fmt(f.get("construct_ms"), 2)),
        ("peak RSS MiB (median)", lambda f: fmt(f.get("peak_rss_kib", 0) / 1024)),
    ],
    "sequential": [
        ("calls/s", lambda f: fmt(f.get("calls_per_s"), 0)),
        ("p50 ms", lambda f: fmt(latency(f, "p50"), 3)),
        ("p99 ms", lambda f: fmt(latency(f, "p99"), 3)),
    ],
    "concurrent": [
        ("calls/s", lambda f: fmt(f.get("calls_per_s"), 0)),
        ("p50 ms", lambda f: fmt(latency(f, "p50"), 2)),
        ("p99 ms", lambda f: fmt(latency(f, "p99"), 2)),
        ("peak RSS MiB", lambda f: fmt(f.get("peak_rss_kib", 0) / 1024)),
        ("new connections per request", lambda f: fmt(f.get("connections_per_request"), 4)),
        ("driver CPU µs per call", lambda f: fmt(cpu_per_call_us(f), 0)),
    ],
    "first_calls": [
        ("token requests", lambda f: fmt(f.get("token_requests"))),
        ("succeeded", lambda f: fmt((f.get("driver") or {}).get("succeeded"))),
    ],
    "latency": [
        ("calls/s", lambda f: fmt(f.get("calls_per_s"), 0)),
        ("share of ideal 3,200/s", lambda f: fmt(100 * f["share_of_ideal"], 1) + " %" if "share_of_ideal" in f else "–"),
        ("fake floor ms (raw HTTP, c=1)", lambda f: fmt(f.get("fake_floor_ms"), 2)),
        ("share of the fake's cap", lambda f: fmt(100 * f["share_of_fake_cap"], 1) + " %" if "share_of_fake_cap" in f else "–"),
        ("p50 ms", lambda f: fmt(latency(f, "p50"), 2)),
        ("p99 ms", lambda f: fmt(latency(f, "p99"), 2)),
        ("driver / fake CPU s", lambda f: f"{fmt(f.get('driver_cpu_s'), 2)} / {fmt(f.get('fake_cpu_s'), 2)}"),
    ],
    "quota": [
        ("delivered", lambda f: fmt(f.get("delivered"))),
        ("throttled answers", lambda f: fmt(f.get("throttled"))),
        ("total s", lambda f: fmt((f.get("driver") or {}).get("elapsed_s"), 2)),
        ("quota minimum s", lambda f: fmt(f.get("quota_minimum_s"), 0)),
    ],
    "revoke": [
        ("succeeded", lambda f: fmt((f.get("driver") or {}).get("succeeded"))),
        ("failed", lambda f: fmt((f.get("driver") or {}).get("failed"))),
        ("failed after revocation (auth)", lambda f: fmt(f.get("auth_failures"))),
        ("revoked after n sends", lambda f: fmt(f.get("revoked_after_requests"))),
        ("send requests after it", lambda f: fmt(f.get("requests_after_revocation"))),
        ("token requests", lambda f: fmt(f.get("token_requests"))),
    ],
}


def scenario_table(scenario: Scenario, cells: dict[str, Any], columns: list[Column]) -> str:
    rows = ROWS[scenario.name]
    header = "| column | " + " | ".join(name for name, _ in rows) + " | notes |"
    lines = [header, "|" + "---|" * (len(rows) + 2)]
    for column in columns:
        figures = cells.get(column.name)
        note = status_note(figures)
        ok = figures is not None and "not_run" not in figures and "error" not in figures
        values = [render(figures) if ok else "–" for _, render in rows]
        lines.append(f"| {column.title} | " + " | ".join(values) + f" | {note or ''} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Targets


def figure(results: dict[str, Any], scenario: str, column: str) -> dict[str, Any] | None:
    cell = results.get(scenario, {}).get(column)
    if cell is None or "not_run" in cell or "error" in cell:
        return None
    return cell


def ratio_target(results, target, scenario, key, ours, theirs, at_least, lower_is_better=False):
    mine, other = figure(results, scenario, ours), figure(results, scenario, theirs)
    if mine is None or other is None:
        missing = theirs if other is None else ours
        return (target, "–", "NOT RUN", f"{missing} not run")
    a, b = mine.get(key), other.get(key)
    if not a or not b:
        return (target, "–", "MISS", "no figure")
    ratio = b / a if lower_is_better else a / b
    verdict = "PASS" if ratio >= at_least else "MISS"
    return (target, f"{ratio:,.1f}x", verdict, None)


def targets(results: dict[str, Any], columns: list[Column], counts: dict[str, int]) -> list[tuple]:
    ratios = [
        ("Python import + construct ≥ 50x faster than lark-oapi", "construct", "construct_ms",
         "python-threads", "lark-oapi-threads", 50, True),
        ("Python threads at c=64 ≥ 10x lark-oapi (calls/s)", "concurrent", "calls_per_s",
         "python-threads", "lark-oapi-threads", 10, False),
        ("Python asyncio at c=64 ≥ 100x lark-oapi async (calls/s)", "concurrent", "calls_per_s",
         "python-asyncio", "lark-oapi-asyncio", 100, False),
        ("Node at c=64 ≥ 3x node-sdk (calls/s)", "concurrent", "calls_per_s", "node", "node-sdk", 3, False),
    ]
    rows = [
        ratio_target(results, target, scenario, key, ours, theirs, at_least, lower_is_better)
        for target, scenario, key, ours, theirs, at_least, lower_is_better in ratios
        if scenario in results and ours in results[scenario]
    ]
    for column in (c for c in columns if c.larkmsg):
        rows.append(per_column(results, column, "latency", "≥ 97 % of the ideal 3,200 calls/s in (e)",
                               lambda f: (f"{100 * f['share_of_ideal']:.1f} %", f["share_of_ideal"] >= 0.97),
                               latency_cause))
        rows.append(per_column(results, column, "first_calls", "exactly 1 token request in (d)",
                               lambda f: (str(f["token_requests"]), f["token_requests"] == 1)))
        quota_count = counts["quota"]
        rows.append(per_column(
            results, column, "quota", f"all {quota_count:,} delivered in (f) within 1.1x the quota minimum",
            lambda f: (f"{f['delivered']:,} in {f['driver']['elapsed_s']:.2f} s "
                       f"({f['driver']['elapsed_s'] / f['quota_minimum_s']:.2f}x of {f['quota_minimum_s']:.0f} s)"
                       if f["quota_minimum_s"] else f"{f['delivered']:,} in {f['driver']['elapsed_s']:.2f} s",
                       f["delivered"] == quota_count
                       and f["driver"]["elapsed_s"] <= 1.1 * max(f["quota_minimum_s"], 1e-9)),
        ))
        rows.append(per_column(
            results, column, "revoke", "all sends after the revocation succeed in (g)",
            lambda f: (f"{f['driver']['failed']} failed; {f['requests_after_revocation']:,} send requests "
                       "after the revocation",
                       f["driver"]["failed"] == 0 and f["requests_after_revocation"] > 0
                       and not f["driver"]["truncated"]),
            lambda f: None if f["requests_after_revocation"] else
            "the revocation came after the last send (the run was shorter than the 10 ms polling needs)",
        ))
    return [row for row in rows if row is not None]


def per_column(results, column, scenario, what, judge, cause=None):
    if column.name not in results.get(scenario, {}):
        return None
    target = f"{column.title}: {what}"
    cell = figure(results, scenario, column.name)
    if cell is None:
        return (target, "–", "NOT RUN", status_note(results.get(scenario, {}).get(column.name)))
    value, passed = judge(cell)
    if passed:
        return (target, value, "PASS", None)
    notes = [status_note(cell), cause(cell) if cause else None]
    return (target, value, "MISS", "; ".join(n for n in notes if n) or None)


def latency_cause(cell: dict[str, Any]) -> str:
    """What keeps (e) below the ideal: the fake's own answer time, measured without an SDK,
    caps every client; the rest is what the client and the machine leave of that cap."""
    return (
        f"the fake itself answers in {cell['fake_floor_ms']:.2f} ms, not {LATENCY_MS} ms (a raw keep-alive "
        f"HTTP call, one at a time), which caps any client at {100 * cell['fake_cap_calls_per_s'] / cell['ideal_calls_per_s']:.1f} % "
        f"of the ideal; this column reached {100 * cell['share_of_fake_cap']:.1f} % of that cap"
    )


def targets_table(rows: list[tuple], causes: dict[str, str]) -> str:
    lines = ["| target | measured | result | cause |", "|---|---|---|---|"]
    for target, value, verdict, note in rows:
        cause = note or ""
        if verdict == "MISS" and target in causes:
            cause = "; ".join(x for x in (cause, causes[target]) if x)
        lines.append(f"| {target} | {value} | {verdict} | {cause} |")
    return "\n".join(lines)


# Causes found by profiling a missed target (see bench/README.md), shown next to a MISS.
KNOWN_CAUSES: dict[str, str] = {}


# --------------------------------------------------------------------------------------
# Main


def markdown(report: dict[str, Any], columns: list[Column], scenarios: list[Scenario], target_rows) -> str:
    m = report["machine"]
    v = report["versions"]
    parts = [
        f"Run {report['date']} on {m['cpu']} ({m['cores']} cores, {fmt(m['memory_gib'])} GiB, {m['os']}); "
        + ", ".join(f"{name} {value}" for name, value in v.items() if value)
        + (". Quick run: every count / 10." if report["quick"] else ".")
    ]
    for scenario in scenarios:
        counts = report["counts"]
        title = scenario.title + (f" (count {counts[scenario.name]:,})" if report["quick"] and scenario.count else "")
        parts.append(f"#### {title}\n\n" + scenario_table(scenario, report["results"].get(scenario.name, {}), columns))
    parts.append("#### Targets\n\n" + targets_table(target_rows, KNOWN_CAUSES))
    return "\n\n".join(parts) + "\n"


def update_readme(text: str) -> bool:
    readme = README.read_text()
    if README_START not in readme or README_END not in readme:
        return False
    before, rest = readme.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    README.write_text(f"{before}{README_START}\n{text}{README_END}{after}")
    return True


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every count / 10, for trying it out")
    parser.add_argument("--columns", help="comma-separated column names (default: all)")
    parser.add_argument("--scenarios", help="comma-separated scenario names or letters (default: all)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"), help="output directory")
    parser.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS, help="per driver run")
    return parser.parse_args(argv)


def select(names: str | None, items: list, keys) -> list:
    if not names:
        return list(items)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if not any(n in keys(item) for item in items)]
    if unknown:
        raise SystemExit(f"unknown: {', '.join(unknown)}")
    return [item for item in items if any(n in keys(item) for n in wanted)]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    columns = select(args.columns, COLUMNS, lambda c: (c.name,))
    scenarios = select(args.scenarios, SCENARIOS, lambda s: (s.key, s.name))
    if not FAKE.exists():
        raise SystemExit(f"{FAKE} is missing: run bench/run.sh, which builds it")
    counts = {s.name: (max(1, s.count // 10) if args.quick else s.count) for s in SCENARIOS}
    results: dict[str, dict[str, Any]] = {}
    for scenario in scenarios:
        cells = results.setdefault(scenario.name, {})
        construct_done: dict[str, Any] = {}
        for column in columns:
            if not column.driver.exists():
                cells[column.name] = {"not_run": f"no driver {column.driver.relative_to(ROOT)}"}
                log(f"[{scenario.name}] {column.name}: not run (no driver)")
                continue
            started = time.monotonic()
            if scenario.name == "construct":
                group = column.construct_group or column.name
                if group not in construct_done:
                    construct_done[group] = run_construct(column, args.max_seconds)
                cells[column.name] = construct_done[group]
            else:
                cells[column.name] = run_send(column, scenario, counts[scenario.name], args.max_seconds)
            log(f"[{scenario.name}] {column.name}: {progress(cells[column.name])} "
                f"({time.monotonic() - started:.1f} s)")
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": versions(),
        "quick": args.quick,
        "max_seconds": args.max_seconds,
        "counts": counts,
        "columns": [c.name for c in columns],
        "scenarios": [s.name for s in scenarios],
        "results": results,
    }
    target_rows = targets(results, columns, counts)
    report["targets"] = [dict(zip(("target", "measured", "result", "note"), row)) for row in target_rows]
    text = markdown(report, columns, scenarios, target_rows)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    (out / "latest.md").write_text(text)
    full = not (args.quick or args.columns or args.scenarios)
    if full and update_readme(text):
        log("README.md: benchmark table updated")
    elif not full:
        log("README.md left alone (partial or quick run)")
    log(f"wrote {out / 'latest.json'} and {out / 'latest.md'}")
    print(text)
    return 0


def progress(cell: dict[str, Any]) -> str:
    note = status_note(cell)
    if "construct_ms" in cell:
        return f"{cell['construct_ms']:.2f} ms, {cell['peak_rss_kib'] / 1024:.1f} MiB"
    if cell.get("driver"):
        d = cell["driver"]
        return (f"{d['succeeded']}/{d['attempted']} ok in {d['elapsed_s']:.2f} s, "
                f"{fmt(cell.get('calls_per_s'), 0)} calls/s" + (f"; {note}" if note else ""))
    return note or "no result"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
