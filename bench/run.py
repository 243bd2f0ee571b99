"""The larkmsg benchmark orchestrator (Python 3.11, standard library only).

Runs every scenario for every column against a fresh fake server (``larkmsg-fake``), reads
each driver's JSON result, peak RSS and CPU time, and writes ``latest.json`` and
``latest.md`` (then the README table). ``bench/run.sh`` builds and installs everything
first; see bench/README.md.

    python3 bench/run.py [--quick] [--columns a,b] [--scenarios a,b] [--out DIR] [--max-seconds S]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from orchestrator.config import (
    COLUMNS,
    DEFAULT_MAX_SECONDS,
    FAKE,
    README,
    README_END,
    README_START,
    ROOT,
    SCENARIOS,
)
from orchestrator.machine import machine, versions
from orchestrator.scenarios import log, run_construct, run_raw_reference, run_send
from orchestrator.tables import cpu_per_call_us, fmt, markdown, status_note
from orchestrator.targets import targets


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
    load_before = os.getloadavg()[0]
    results: dict[str, dict[str, Any]] = {}
    reference = None
    for scenario in scenarios:
        cells = results.setdefault(scenario.name, {})
        if scenario.name == "latency":
            reference = run_raw_reference(scenario, counts[scenario.name])
            log(f"[{scenario.name}] raw HTTP reference: {reference['calls_per_s']:,.0f} calls/s")
        construct_done: dict[str, Any] = {}
        for column in columns:
            if not column.measures(scenario.name):
                continue
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
                cells[column.name] = median_run(
                    [run_send(column, scenario, counts[scenario.name], args.max_seconds)
                     for _ in range(scenario.repetitions)]
                )
            log(f"[{scenario.name}] {column.name}: {progress(cells[column.name])} "
                f"({time.monotonic() - started:.1f} s)")
        if scenario.name == "concurrent":
            compare_to_core(cells)
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": dict(machine(), load_average_1m={"start": load_before, "end": os.getloadavg()[0]}),
        "versions": versions(),
        "quick": args.quick,
        "max_seconds": args.max_seconds,
        "counts": counts,
        "columns": [c.name for c in columns],
        "scenarios": [s.name for s in scenarios],
        "results": results,
        "raw_http_reference": reference,
    }
    target_rows = targets(results, columns, counts, reference)
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


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median calls/s (a failed run counts as the slowest), with every run's
    calls/s under ``repetitions``."""
    if len(runs) == 1:
        return runs[0]
    ranked = sorted(runs, key=lambda run: run.get("calls_per_s") or 0.0)
    median = dict(ranked[len(ranked) // 2])
    median["repetitions"] = [run.get("calls_per_s") for run in runs]
    return median


def compare_to_core(cells: dict[str, Any]) -> None:
    """Puts the Rust core's calls/s and CPU per call next to each column's, with the ratio."""
    core = cells.get("rust") or {}
    core_rate, core_cpu = core.get("calls_per_s"), cpu_per_call_us(core)
    for cell in cells.values():
        rate = cell.get("calls_per_s")
        if core_rate and rate:
            cell["share_of_core"] = rate / core_rate
        cell["core_cpu_us_per_call"] = core_cpu


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
