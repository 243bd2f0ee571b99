"""A process that exits right after its async calls complete exits cleanly: the core's
runtime threads may still be handing answers to the event loop at that moment."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from larkmsg.testing import FakeServer

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    import larkmsg
    from larkmsg.testing import DEFAULT_APP_ID, DEFAULT_APP_SECRET

    async def main():
        client = larkmsg.AsyncClient(DEFAULT_APP_ID, DEFAULT_APP_SECRET, base_url=sys.argv[1], quotas=False)
        sent = await asyncio.gather(*(client.send_text("open_id", f"ou_{i}", "bye") for i in range(64)))
        print(len(sent))

    asyncio.run(main())
    """
)


def test_exit_right_after_async_calls_is_clean() -> None:
    with FakeServer() as fake:
        for _ in range(20):
            child = subprocess.run(
                [sys.executable, "-c", SCRIPT, fake.url], capture_output=True, text=True, timeout=60
            )
            assert (child.returncode, child.stdout.strip()) == (0, "64"), child.stderr
