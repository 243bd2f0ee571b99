"""Where things are, what is measured (columns and scenarios) and the documented numbers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
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
# The campaign scenario: its id and how many sends it keeps in flight (larkmsg's default).
CAMPAIGN_ID = "bench-campaign"
CAMPAIGN_CONCURRENCY = 16
# Codes of a rejected tenant access token (invalid, expired, revoked).
TOKEN_REJECTED_CODES = [99991661, 99991663, 99991664, 99991665, 99991671]


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
    skip: tuple[str, ...] = ()  # scenarios where it would repeat another column's run
    only: tuple[str, ...] = ()  # the scenarios it is for, when not every one

    def measures(self, scenario: str) -> bool:
        """Whether this column runs in ``scenario`` (by name)."""
        return scenario not in self.skip and (not self.only or scenario in self.only)


COLUMNS = [
    Column("rust", "Rust core", [str(RELEASE / "larkmsg-bench-driver")], RELEASE / "larkmsg-bench-driver", True,
           construct_group="rust"),
    # The blocking facade from 64 OS threads: the reference for blocking C (scenario c only).
    Column("rust-blocking", "Rust blocking", [str(RELEASE / "larkmsg-bench-driver")],
           RELEASE / "larkmsg-bench-driver", True, "blocking", "rust", only=("concurrent",)),
    Column("c", "C", [str(BENCH / "c-driver")], BENCH / "c-driver", True, construct_group="c"),
    # The campaign is one blocking larkmsg_send_campaign call in either variant.
    Column("c-async", "C async", [str(BENCH / "c-driver")], BENCH / "c-driver", True, "async", "c", ("campaign",)),
    Column("kotlin", "Kotlin", [str(BENCH / "kotlin-driver")], BENCH / "kotlin-driver", True),
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
    repetitions: int = 1  # runs per column; the table keeps the run of median calls/s


SCENARIOS = [
    Scenario("a", "construct", "(a) import/load + client construction", 0, 1),
    Scenario("b", "sequential", "(b) 2,000 sequential sends", 2000, 1),
    Scenario(
        "c", "concurrent", "(c) 20,000 sends from 64 concurrent senders, median of 3 runs", 20000, 64, repetitions=3
    ),
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
    Scenario(
        "j",
        "campaign",
        f"(j) a campaign to 1,500 receivers, quotas enforced, {CAMPAIGN_CONCURRENCY} sends in flight",
        1500,
        CAMPAIGN_CONCURRENCY,
        True,
        ("--quotas",),
    ),
]

