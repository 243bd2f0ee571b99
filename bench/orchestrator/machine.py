"""The machine and the versions a report names."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from .config import NODE_PATH, ROOT, VENV_PYTHON


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
