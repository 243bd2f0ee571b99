#!/usr/bin/env python3
"""Writes seed inputs of the fuzz targets into fuzz/corpus/<target>/ (or into DIR/<target>/):
the inputs of the conformance cases (tests/conformance/cases), the JSON examples of the
endpoint pages (core/tests/api_examples.rs) and the builders' specs (tests/builders). Files are named by the SHA-1 of their content,
as libFuzzer names its own, so seeding twice adds nothing.

Usage: fuzz/seed.py [DIR]
"""

import hashlib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# `$repeat` helpers make inputs of up to 150 KB; seeds keep them short (the fuzzer's inputs
# are at most a few KB), so the case's shape is kept, not its size.
MAX_REPEAT = 64


def expand(value):
    """The value with `{"$repeat": …}` helpers expanded (counts capped at MAX_REPEAT)."""
    if isinstance(value, dict):
        if "$repeat" in value:
            count = min(value["count"], MAX_REPEAT)
            return value.get("prefix", "") + value["$repeat"] * count + value.get("suffix", "")
        return {key: expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item) for item in value]
    return value


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def conformance_seeds():
    """(target, text) pairs from every conformance case's input."""
    for path in sorted((ROOT / "tests/conformance/cases").glob("*/*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        request = expand(case["input"])
        yield "validate_request", compact(request)
        if not isinstance(request, dict):
            continue
        msg_type = request.get("msg_type")
        if case["call"] == "send_message" and isinstance(request.get("content"), str):
            yield "build_content", f"send {msg_type}\n{request['content']}"
        if case["call"] == "batch_send":
            if "content" in request:
                yield "build_content", f"batch {msg_type}\n{compact(request['content'])}"
            if "card" in request:
                yield "build_content", f"batch_card\n{compact(request['card'])}"
        if case["call"] == "create_card" and isinstance(request.get("data"), str):
            yield "build_content", f"card\n{request['data']}"


def example_seeds():
    """(target, text) pairs from the endpoint pages' examples: answers and requests."""
    source = (ROOT / "core/tests/api_examples.rs").read_text(encoding="utf-8")
    for name, text in re.findall(r'const (\w+): &str = r#"(.*?)"#;', source, re.S):
        value = json.loads(text)
        target = "decode_response" if "RESPONSE" in name or "ERROR" in name else "validate_request"
        yield target, compact(value)


def text_part_seeds():
    """A text message's parts, one of each kind, as the bindings give them."""
    parts = [
        {"part": "text", "text": "Hello "},
        {"part": "at_user", "user_id": "ou_1", "name": "Tom"},
        {"part": "at_all"},
        {"part": "link", "text": "Feishu", "url": "https://www.feishu.cn/"},
        {"part": "newline"},
    ]
    yield "build_content", f"parts\n{compact(parts)}"
    yield "build_content", "builder\n" + "card builder seed"


def builder_spec_seeds():
    """Every spec of the builders' shared cases."""
    cases = json.loads((ROOT / "tests/builders/cases.json").read_text(encoding="utf-8"))["cases"]
    for case in cases:
        yield "build_content", f"spec\n{compact(case['spec'])}"


def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz/corpus"
    written = 0
    for target, text in [*conformance_seeds(), *example_seeds(), *text_part_seeds(), *builder_spec_seeds()]:
        data = text.encode("utf-8")
        path = out / target / hashlib.sha1(data).hexdigest()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(data)
            written += 1
    print(f"{written} new seed files under {out}")


if __name__ == "__main__":
    main()
