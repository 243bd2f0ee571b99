"""The build backend of the larkmsg sdist: maturin's, after checking that cargo is there.

Without cargo on PATH, maturin's backend would download a Rust toolchain (puccinialin)
before building. Building larkmsg from source needs Rust, and a build must not fetch
toolchains behind the user's back: this backend stops at once with a message that says
what to do instead.
"""

from __future__ import annotations

import functools
import os
import shutil
from typing import Any, Callable, TypeVar

import maturin

MESSAGE = """
larkmsg: building from source needs Rust's cargo on PATH, and it was not found.

No prebuilt wheel of larkmsg matches this platform or Python, so pip fell back to the
source distribution. Either
  - install Rust 1.85 or newer (https://rustup.rs, or your system's rust/cargo packages)
    and run pip again, or
  - use a platform with a prebuilt wheel: Linux x86_64/aarch64 (glibc 2.17+ or musl),
    macOS, Windows; CPython 3.9+ (one abi3 wheel).
"""

Hook = TypeVar("Hook", bound=Callable[..., Any])


class CargoNotFound(RuntimeError):
    """Raised by every hook when cargo is missing."""


def _requiring_cargo(hook: Hook) -> Hook:
    """maturin's hook, run only when cargo is on PATH, and never installing a toolchain."""

    @functools.wraps(hook)
    def checked(*args: Any, **kwargs: Any) -> Any:
        os.environ["MATURIN_NO_INSTALL_RUST"] = "1"
        if shutil.which("cargo") is None:
            raise CargoNotFound(MESSAGE)
        return hook(*args, **kwargs)

    return checked  # type: ignore[return-value]


get_requires_for_build_wheel = _requiring_cargo(maturin.get_requires_for_build_wheel)
get_requires_for_build_editable = _requiring_cargo(maturin.get_requires_for_build_editable)
get_requires_for_build_sdist = _requiring_cargo(maturin.get_requires_for_build_sdist)
prepare_metadata_for_build_wheel = _requiring_cargo(maturin.prepare_metadata_for_build_wheel)
prepare_metadata_for_build_editable = _requiring_cargo(maturin.prepare_metadata_for_build_editable)
build_wheel = _requiring_cargo(maturin.build_wheel)
build_editable = _requiring_cargo(maturin.build_editable)
build_sdist = _requiring_cargo(maturin.build_sdist)
