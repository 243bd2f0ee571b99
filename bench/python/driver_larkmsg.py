"""The larkmsg Python columns of the benchmark suite (see bench/README.md).

``python driver_larkmsg.py '<params JSON>'``: construct mode times ``import larkmsg`` and the
client's construction; send mode sends from threads on one ``larkmsg.Client`` (variant
``threads``) or tasks on one ``larkmsg.AsyncClient`` (variant ``asyncio``) through the
shared harness. The last line of stdout is the result as JSON.
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


def main():
    params = json.loads(sys.argv[1])
    client = build_client(params)
    if params["mode"] == "construct":
        print(json.dumps({"construct_ms": (time.perf_counter() - STARTED) * 1000}))
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
