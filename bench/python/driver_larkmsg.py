"""The larkmsg Python columns of the benchmark suite (see bench/README.md).

``python driver_larkmsg.py '<params JSON>'``: construct mode times ``import larkmsg`` and the
client's construction; send mode sends from threads on one ``larkmsg.Client`` (variant
``threads``) or tasks on one ``larkmsg.AsyncClient`` (variant ``asyncio``) through the
shared harness; campaign mode makes one ``send_campaign`` call to every receiver. The last
line of stdout is the result as JSON.
"""

import time

STARTED = time.perf_counter()

# Only what reading the parameters needs comes before `import larkmsg`; the send modes
# import the harness when they start, outside the construct measurement.
import json  # noqa: E402
import sys  # noqa: E402


def build_client(params):
    import larkmsg

    client_class = larkmsg.AsyncClient if params.get("variant") == "asyncio" else larkmsg.Client
    quotas = None if params.get("pacing") else False
    return client_class(params["app_id"], params["app_secret"], base_url=params["base_url"], quotas=quotas)


def label(error):
    kind = getattr(error, "kind", None)
    if kind is None:
        return f"exception:{type(error).__name__}"
    code = getattr(error, "code", None)
    return f"{kind}:{code}" if code else kind


def campaign(client, params):
    """One campaign to every receiver, reported as a send run (no latencies)."""
    import asyncio

    request = {
        "campaign_id": params["campaign_id"],
        "receive_id_type": "open_id",
        "receive_ids": params["receivers"],
        "msg_type": "text",
        "content": json.dumps({"text": "bench campaign"}),
        "concurrency": params["concurrency"],
    }
    started = time.perf_counter()
    if params.get("variant") == "asyncio":
        report = asyncio.run(client.send_campaign(request))
    else:
        report = client.send_campaign(request)
    elapsed_s = time.perf_counter() - started
    errors = {}
    for failure in report.failed:
        error = failure.error
        name = f"{error['kind']}:{error['code']}" if error.get("code") else error["kind"]
        errors[name] = errors.get(name, 0) + 1
    if report.pending:
        errors["pending"] = len(report.pending)
    failed = sum(errors.values())
    return {
        "attempted": len(report.sent) + failed,
        "succeeded": len(report.sent),
        "failed": failed,
        "errors": errors,
        "elapsed_s": elapsed_s,
        "latency_ms": {"p50": None, "p99": None, "max": None},
        "truncated": len(report.sent) + failed < len(params["receivers"]),
    }


def main():
    params = json.loads(sys.argv[1])
    client = build_client(params)
    if params["mode"] == "construct":
        print(json.dumps({"construct_ms": (time.perf_counter() - STARTED) * 1000}))
        return
    if params["mode"] == "campaign":
        print(json.dumps(campaign(client, params)))
        return
    import harness

    receivers = params["receivers"]
    if params.get("variant") == "asyncio":

        async def send(i):
            await client.send_text("open_id", receivers[i % len(receivers)], f"bench {i}")

        result = harness.run_asyncio(params, send, label)
    else:

        def send(i):
            client.send_text("open_id", receivers[i % len(receivers)], f"bench {i}")

        result = harness.run_threads(params, send, label)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
