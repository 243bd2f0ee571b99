"""Scenario (h), the streamed answer: a 2,000-token answer appended token by token at 200
tokens per second into a card entity, through larkmsg's card stream from Rust, Python
asyncio and Node, and through @larksuiteoapi/node-sdk's channel layer (`stream`), each on a
fresh fake with quotas enforced. It runs alone (it takes 10 s per column) and writes
``results/stream.json`` and ``results/stream.md``:

    python3 bench/stream_run.py [--columns rust,python-asyncio,node,node-sdk] [--tokens N]

Figures: the card operations the fake saw (cardkit requests), throttled answers, refused
operations, whether the card ended with the exact text and streaming off, the time from the
last token to the final text on the card (the helper's own figure) and to a finished stream,
and the driver's CPU time per token. Built artifacts come from ``bench/run.sh`` (release);
``--fake``, ``--python``, ``--node-path`` and ``--rust-driver`` point elsewhere (debug builds
for a quick look).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import orchestrator.drivers
import orchestrator.fake
from orchestrator.config import APP_ID, APP_SECRET, RELEASE, ROOT, VENV_PYTHON, Column
from orchestrator.drivers import run_driver
from orchestrator.fake import Fake

COLUMNS = [
    Column("rust", "Rust core", [str(RELEASE / "larkmsg-bench-driver")], RELEASE / "larkmsg-bench-driver", True),
    Column("python-asyncio", "Python asyncio", [str(VENV_PYTHON), str(ROOT / "bench/python/driver_stream_larkmsg.py")],
           ROOT / "bench/python/driver_stream_larkmsg.py", True),
    Column("node", "Node", ["node", str(ROOT / "bench/node/driver_stream_larkmsg.js")],
           ROOT / "bench/node/driver_stream_larkmsg.js", True),
    Column("node-sdk", "node-sdk 1.74.0 channel", ["node", str(ROOT / "bench/node/driver_stream_node_sdk.js")],
           ROOT / "bench/node/driver_stream_node_sdk.js", False),
]
CARD_CALLS = ("create_card", "update_card_settings", "update_card", "update_card_element_content",
              "create_card_elements", "update_card_element", "patch_card_element", "delete_card_element")


def expected_text(tokens: int) -> str:
    return "".join(f"tok{n} " for n in range(tokens))


def run(column: Column, tokens: int) -> dict:
    with Fake(("--quotas",)) as fake:
        params = {"mode": "stream", "base_url": fake.url, "app_id": APP_ID, "app_secret": APP_SECRET,
                  "count": tokens, "rate": 200, "receivers": ["ou_bench_0"], "max_seconds": 120}
        driver = run_driver(column, params, 180)
        counters = fake.control("GET", "/_fake/counters")
        cards = fake.control("GET", "/_fake/cards")["cards"]
    result = driver.result or {"error": driver.error}
    card = cards[0] if cards else {}
    texts = list((card.get("texts") or {}).values())
    operations = card.get("operations") or []
    return {
        **result,
        "card_requests": sum(counters["requests"].get(call, 0) for call in CARD_CALLS),
        "requests": counters["requests"],
        "throttled": sum(counters["throttled"].values()),
        "refused_operations": sum(1 for op in operations if op["code"] != 0),
        "max_operations_per_second": card.get("max_operations_per_second"),
        "exact_text": bool(texts) and texts[0] == expected_text(tokens),
        "streaming_off": card.get("streaming_mode") is False,
        "summary": card.get("summary"),
        "cpu_s": driver.cpu_s,
        "cpu_us_per_token": driver.cpu_s / tokens * 1e6,
        "peak_rss_kib": driver.peak_rss_kib,
    }


def table(results: dict[str, dict], tokens: int) -> str:
    rows = [f"(h) a {tokens:,}-token answer streamed at 200 tokens/s into a card entity, quotas enforced", "",
            "| column | card operations | throttled | refused | max ops/s | exact text, streaming off | "
            "last token → final text | last token → finished | CPU per token |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        if "error" in r and r.get("card_requests", 0) == 0:
            rows.append(f"| {name} | not run: {str(r['error'])[:80]} | | | | | | | |")
            continue
        final = r.get("last_token_to_final_text_ms")
        rows.append(
            f"| {name} | {r['card_requests']} | {r['throttled']} | {r['refused_operations']} | "
            f"{r['max_operations_per_second']} | {'yes' if r['exact_text'] and r['streaming_off'] else 'no'} | "
            f"{'' if final is None else f'{final:.0f} ms'} | {r.get('last_token_to_finished_ms', 0):.0f} ms | "
            f"{r['cpu_us_per_token']:.0f} µs |")
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--columns", default=",".join(c.name for c in COLUMNS))
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--fake", help="the larkmsg-fake binary (default: the release build)")
    parser.add_argument("--python", help="the Python with larkmsg installed (default: the bench venv)")
    parser.add_argument("--node-path", help="NODE_PATH for the Node drivers (default: the bench's node_modules)")
    parser.add_argument("--rust-driver", help="the larkmsg-bench-driver binary (default: the release build)")
    args = parser.parse_args()
    if args.fake:
        orchestrator.fake.FAKE = Path(args.fake)
    if args.node_path:
        orchestrator.drivers.NODE_PATH = Path(args.node_path)
    overrides = {"rust": args.rust_driver, "python-asyncio": args.python}
    for i, column in enumerate(COLUMNS):
        if overrides.get(column.name):
            command = [overrides[column.name], *column.command[1:]]
            driver = Path(command[0]) if column.name == "rust" else column.driver
            COLUMNS[i] = Column(column.name, column.title, command, driver, column.larkmsg)
    wanted = args.columns.split(",")
    results = {}
    for column in COLUMNS:
        if column.name not in wanted:
            continue
        if not column.driver.exists() or not Path(column.command[0]).exists() and column.command[0] != "node":
            results[column.name] = {"error": "driver not built"}
            continue
        results[column.name] = run(column, args.tokens)
        print(f"[stream] {column.name}: {json.dumps(results[column.name])[:300]}", file=sys.stderr, flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "stream.json").write_text(json.dumps(results, indent=2) + "\n")
    text = table(results, args.tokens)
    (out / "stream.md").write_text(text)
    print(text)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
