"""The Python asyncio stream driver: a ``count``-token answer at ``rate`` tokens per second
through ``AsyncClient.stream_card`` (see bench/README.md, scenario h)."""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def main(params: dict) -> dict:
    import larkmsg

    async with larkmsg.AsyncClient(params["app_id"], params["app_secret"], base_url=params["base_url"]) as client:
        async with client.stream_card("open_id", params["receivers"][0]) as stream:
            started = time.monotonic()
            for n in range(params["count"]):
                delay = started + n / params.get("rate", 200) - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                await stream.append(f"tok{n} ")
            last_token = time.monotonic()
            summary = await stream.finish()
        return {
            "card_id": summary.card_id,
            "tokens": params["count"],
            "elapsed_s": time.monotonic() - started,
            "last_token_to_final_text_ms": summary.final_text_ms,
            "last_token_to_finished_ms": (time.monotonic() - last_token) * 1000,
            "operations": summary.operations,
        }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
