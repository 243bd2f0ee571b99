"""`import larkmsg` stays light: what only some programs use is imported when they use it."""

from __future__ import annotations

import subprocess
import sys


def test_importing_larkmsg_leaves_asyncio_out() -> None:
    # asyncio alone costs tens of milliseconds of import time; a threaded program needs none.
    probe = "import sys, larkmsg; larkmsg.Client('cli_x', 's'); print('asyncio' in sys.modules)"
    child = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert (child.returncode, child.stdout.strip()) == (0, "False"), child.stderr
