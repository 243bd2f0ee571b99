"""A fresh ``larkmsg-fake`` per measurement, and its controls."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import threading
import time
import urllib.request
from typing import Any

from .config import APP_ID, APP_SECRET, FAKE


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

    def raw_calls(self, calls: int) -> list[float]:
        """Times (ms) of raw keep-alive HTTP calls to the token endpoint, one after the other on
        one connection: what the fake itself takes to answer, with no SDK."""
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
        return times

    def floor_ms(self, calls: int = 50) -> float:
        """The median answer time of the fake to one raw call at a time."""
        return statistics.median(self.raw_calls(calls))

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
