"""Benchmark driver for lark-oapi, the official Python SDK (see bench/README.md).

Usage: python driver_lark_oapi.py '<params JSON>'; prints one JSON result line.
`variant` "threads" calls `client.im.v1.message.create` from a thread pool; "asyncio"
awaits `client.im.v1.message.acreate` from concurrent tasks.
"""

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402


def build_client(params):
    import lark_oapi as lark

    return (
        lark.Client.builder()
        .app_id(params["app_id"])
        .app_secret(params["app_secret"])
        .domain(params["base_url"])
        .log_level(lark.LogLevel.ERROR)
        .build()
    )


def request_for(params, index):
    from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody

    receivers = params["receivers"]
    body = (
        CreateMessageRequestBody.builder()
        .receive_id(receivers[index % len(receivers)])
        .msg_type("text")
        .content(json.dumps({"text": f"bench {index}"}))
        .build()
    )
    return CreateMessageRequest.builder().receive_id_type("open_id").request_body(body).build()


class Tally:
    """Outcomes and latencies of the sends, shared by the workers."""

    def __init__(self, params):
        self.count = params["count"]
        self.deadline = time.monotonic() + params.get("max_seconds", 120)
        self.next_index = 0
        self.truncated = False
        self.latencies = []
        self.errors = {}
        self.succeeded = 0
        self.lock = threading.Lock()

    def take(self):
        """The next message index, or None when all are taken or time is up."""
        with self.lock:
            if self.next_index >= self.count:
                return None
            if time.monotonic() > self.deadline:
                self.truncated = True
                return None
            self.next_index += 1
            return self.next_index - 1

    def record(self, seconds, label):
        with self.lock:
            self.latencies.append(seconds * 1000.0)
            if label is None:
                self.succeeded += 1
            else:
                self.errors[label] = self.errors.get(label, 0) + 1

    def result(self, elapsed):
        latencies = sorted(self.latencies)

        def rank(p):
            if not latencies:
                return None
            return latencies[max(0, -(-len(latencies) * p // 100) - 1)]

        attempted = len(latencies)
        return {
            "attempted": attempted,
            "succeeded": self.succeeded,
            "failed": attempted - self.succeeded,
            "errors": self.errors,
            "elapsed_s": elapsed,
            "latency_ms": {"p50": rank(50), "p99": rank(99), "max": latencies[-1] if latencies else None},
            "truncated": self.truncated,
        }


def label_of(response):
    return None if response.success() else f"code:{response.code}"


def send_threads(client, params, tally):
    def worker():
        while (index := tally.take()) is not None:
            request = request_for(params, index)
            began = time.perf_counter()
            try:
                label = label_of(client.im.v1.message.create(request))
            except Exception as error:  # every failure is an outcome to count
                label = f"exception:{type(error).__name__}"
            tally.record(time.perf_counter() - began, label)

    workers = [threading.Thread(target=worker) for _ in range(params["concurrency"])]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()


async def send_asyncio(client, params, tally):
    async def worker():
        while (index := tally.take()) is not None:
            request = request_for(params, index)
            began = time.perf_counter()
            try:
                label = label_of(await client.im.v1.message.acreate(request))
            except Exception as error:  # every failure is an outcome to count
                label = f"exception:{type(error).__name__}"
            tally.record(time.perf_counter() - began, label)

    await asyncio.gather(*(worker() for _ in range(params["concurrency"])))


def main():
    params = json.loads(sys.argv[1])
    if params["mode"] == "construct":
        build_client(params)
        print(json.dumps({"construct_ms": (time.perf_counter() - STARTED) * 1000.0}))
        return
    client = build_client(params)
    tally = Tally(params)
    began = time.perf_counter()
    if params.get("variant", "threads") == "asyncio":
        asyncio.run(send_asyncio(client, params, tally))
    else:
        send_threads(client, params, tally)
    print(json.dumps(tally.result(time.perf_counter() - began)))


if __name__ == "__main__":
    main()
