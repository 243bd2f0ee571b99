"""`import larkmsg` stays light: what only some programs use is imported when they use it."""

from __future__ import annotations

import subprocess
import sys


def test_importing_larkmsg_leaves_asyncio_out() -> None:
    # asyncio alone costs tens of milliseconds of import time; a threaded program needs none.
    probe = "import sys, larkmsg; larkmsg.Client('cli_x', 's'); print('asyncio' in sys.modules)"
    child = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert (child.returncode, child.stdout.strip()) == (0, "False"), child.stderr


def test_the_card_builders_are_imported_on_first_use() -> None:
    # Most of the package's own import time is the card builders' dataclasses.
    probe = (
        "import sys, larkmsg\n"
        "print(sorted(m for m in ('larkmsg.card', 'dataclasses') if m in sys.modules))\n"
        "from larkmsg import Card\n"
        "import larkmsg.card\n"
        "print(Card is larkmsg.card.Card is larkmsg.Card, 'card' in dir(larkmsg), 'Card' in dir(larkmsg))\n"
        "print(type(larkmsg.Card().markdown('hi').to_content()).__name__)\n"
    )
    child = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr
    assert child.stdout.split("\n")[:3] == ["[]", "True True True", "Content"]


def test_a_name_the_package_lacks_is_an_attribute_error() -> None:
    import larkmsg

    assert not hasattr(larkmsg, "Cards")
