"""The larkmsg Python columns of the benchmark suite (see bench/README.md).

``python driver_larkmsg.py '<params JSON>'``: construct mode times ``import larkmsg`` and the
client's construction; send mode runs ``concurrency`` threads on one ``larkmsg.Client``
(variant ``threads``) or tasks on one ``larkmsg.AsyncClient`` (variant ``asyncio``), each
taking the next index from a shared counter. The last line of stdout is the result as JSON.
"""

import time

STARTED = time.perf_counter()

# Only what reading the parameters needs comes before `import larkmsg`; the send modes
# import the rest when they start, outside the construct measurement.
import json  # noqa: E402
import sys  # noqa: E402


def options(params):
    return {"base_url": params["base_url"], "quotas": None if params.get("pacing") else False}


def construct(params):
    import larkmsg

    client_class = larkmsg.AsyncClient if params.get("variant") == "asyncio" else larkmsg.Client
    client_class(params["app_id"], params["app_secret"], **options(params))
    return {"construct_ms": (time.perf_counter() - STARTED) * 1000}


def label(error):
    code = getattr(error, "code", None)
    kind = getattr(error, "kind", None)
    if kind is None:
        return f"exception:{type(error).__name__}"
    return f"{kind}:{code}" if code else kind


def summary(latencies, errors, count, elapsed):
    import math

    latencies.sort()

    def rank(percent):
        if not latencies:
            return None
        return latencies[max(1, math.ceil(percent / 100 * len(latencies))) - 1] * 1000

    failed = sum(errors.values())
    return {
        "attempted": len(latencies),
        "succeeded": len(latencies) - failed,
        "failed": failed,
        "errors": dict(errors),
        "elapsed_s": elapsed,
        "latency_ms": {"p50": rank(50), "p99": rank(99), "max": rank(100)},
        "truncated": len(latencies) < count,
    }


def send_threads(params):
    import itertools
    import threading
    from collections import Counter

    import larkmsg

    count, receivers = params["count"], params["receivers"]
    client = larkmsg.Client(params["app_id"], params["app_secret"], **options(params))
    indexes = itertools.count()
    latencies, errors = [], Counter()
    started = time.perf_counter()
    stop_at = started + params["max_seconds"]

    def sender():
        for i in indexes:
            if i >= count or time.perf_counter() >= stop_at:
                return
            call = time.perf_counter()
            try:
                client.send_text("open_id", receivers[i % len(receivers)], f"bench {i}")
            except Exception as error:  # every failure is counted by its label
                errors[label(error)] += 1
            latencies.append(time.perf_counter() - call)

    threads = [threading.Thread(target=sender) for _ in range(params["concurrency"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(latencies, errors, count, time.perf_counter() - started)


async def send_asyncio(params):
    import asyncio
    import itertools
    from collections import Counter

    import larkmsg

    count, receivers = params["count"], params["receivers"]
    client = larkmsg.AsyncClient(params["app_id"], params["app_secret"], **options(params))
    indexes = itertools.count()
    latencies, errors = [], Counter()
    started = time.perf_counter()
    stop_at = started + params["max_seconds"]

    async def sender():
        for i in indexes:
            if i >= count or time.perf_counter() >= stop_at:
                return
            call = time.perf_counter()
            try:
                await client.send_text("open_id", receivers[i % len(receivers)], f"bench {i}")
            except Exception as error:  # every failure is counted by its label
                errors[label(error)] += 1
            latencies.append(time.perf_counter() - call)

    await asyncio.gather(*(sender() for _ in range(params["concurrency"])))
    return summary(latencies, errors, count, time.perf_counter() - started)


def main():
    params = json.loads(sys.argv[1])
    if params["mode"] == "construct":
        result = construct(params)
    elif params.get("variant") == "asyncio":
        import asyncio

        result = asyncio.run(send_asyncio(params))
    else:
        result = send_threads(params)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
