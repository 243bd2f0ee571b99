"""Runs one driver process and reads its result, peak RSS and CPU time."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

from .config import NODE_PATH, ROOT, Column


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
