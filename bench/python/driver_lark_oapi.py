"""Benchmark driver for lark-oapi, the official Python SDK (see bench/README.md).

Usage: python driver_lark_oapi.py '<params JSON>'; prints one JSON result line.
`variant` "threads" calls `client.im.v1.message.create` from threads; "asyncio" awaits
`client.im.v1.message.acreate` from tasks, both through the shared harness.
"""

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402


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


def outcome_of(response):
    return None if response.success() else f"code:{response.code}"


def label(error):
    return f"exception:{type(error).__name__}"


def main():
    params = json.loads(sys.argv[1])
    client = build_client(params)
    if params["mode"] == "construct":
        print(json.dumps({"construct_ms": (time.perf_counter() - STARTED) * 1000.0}))
        return
    import harness

    if params.get("variant", "threads") == "asyncio":

        async def send(i):
            return outcome_of(await client.im.v1.message.acreate(request_for(params, i)))

        result = harness.run_asyncio(params, send, label)
    else:

        def send(i):
            return outcome_of(client.im.v1.message.create(request_for(params, i)))

        result = harness.run_threads(params, send, label)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
