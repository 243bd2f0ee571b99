"""Uploads and large audiences through the Python API, against the fake: upload then send
(a path or bytes), a wrong format refused before sending, 450 open_ids and 30 feed card
users in one call (with progress, a tqdm-like bar too), and a campaign of 10,000 receivers
whose process is killed with SIGKILL half-way and rerun."""

from __future__ import annotations

import asyncio
import os
import signal
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import larkmsg
from larkmsg.testing import FakeServer


def png(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + struct.pack(">II", width, height) + b"\x08\x06\x00\x00\x00" + b"\x00" * 64


def test_upload_then_send(lark_fake: FakeServer, lark_client: larkmsg.Client, tmp_path: Path) -> None:
    path = tmp_path / "cat.png"
    path.write_bytes(png(64, 48))
    uploaded = lark_client.upload_image(image_type="message", image=path)
    assert uploaded.image_key.startswith("img_v3_")
    lark_client.send("open_id", "ou_1", larkmsg.content.image(uploaded.image_key))
    from_bytes = lark_client.send_image(receive_id_type="open_id", receive_id="ou_2", image=png(10, 10))
    assert from_bytes.msg_type == "image"
    video = lark_client.send_file(
        receive_id_type="open_id", receive_id="ou_3", file=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16, file_name="clip.mp4"
    )
    assert video.msg_type == "media"
    inbox = lark_fake.inbox()
    assert len(inbox["images"]) == 2 and len(inbox["files"]) == 1 and len(inbox["messages"]) == 3
    assert inbox["images"][0]["size"] == path.stat().st_size


def test_a_wrong_format_is_refused_before_sending(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    with pytest.raises(larkmsg.InvalidArgumentError) as caught:
        lark_client.upload_image(image_type="message", image=b"%PDF-1.7 not an image")
    assert [(v.path, v.rule) for v in caught.value.violations] == [("image", "format")]
    assert not caught.value.maybe_sent
    with pytest.raises(larkmsg.InvalidArgumentError) as caught:
        lark_client.upload_file(file_type="opus", file=b"ID3 an mp3", file_name="a.opus")
    assert caught.value.violations[0].path == "file"
    assert lark_fake.requests("upload_image") == 0 and lark_fake.requests("upload_file") == 0


class Bar:
    """What a tqdm bar offers: ``total`` and ``update(n)``."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.n = 0

    def update(self, n: float = 1) -> None:
        self.n += int(n)


def test_450_ids_and_30_feed_card_users_in_one_call(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    seen: list[larkmsg.Progress] = []
    result = lark_client.batch_send_all(
        msg_type="text", content={"text": "通知"}, open_ids=[f"ou_{i}" for i in range(450)], progress=seen.append
    )
    assert len(result.message_ids) == 3 and result.failed == []
    assert seen[-1] == larkmsg.Progress(total=450, done=450, sent=450, failed=0)
    assert sorted(len(b["open_ids"]) for b in lark_fake.inbox()["batches"]) == [50, 200, 200]

    bar = Bar()
    cards = lark_client.create_app_feed_card_all(
        app_feed_card={"title": "审批", "link": {"link": "https://www.feishu.cn/"}, "biz_id": "order-1"},
        user_ids=[f"ou_{i}" for i in range(30)],
        progress=bar,
    )
    assert cards.biz_ids == ["order-1", "order-1"]
    assert (bar.total, bar.n) == (30, 30)


def test_async_flows_report_progress_on_the_loop(lark_fake: FakeServer) -> None:
    async def main() -> tuple[Any, list[larkmsg.Progress]]:
        seen: list[larkmsg.Progress] = []
        async with lark_fake.async_client() as client:
            report = await client.send_campaign(
                campaign_id="async",
                receive_id_type="open_id",
                receive_ids=[f"ou_{i}" for i in range(40)],
                msg_type="text",
                content='{"text":"hi"}',
                progress=seen.append,
            )
        await asyncio.sleep(0.05)
        return report, seen

    report, seen = asyncio.run(main())
    assert len(report.sent) == 40 and report.failed == [] and report.pending == []
    assert seen[-1].done == 40


CHILD = """
import sys
import larkmsg
url, count, journal = sys.argv[1], int(sys.argv[2]), sys.argv[3]
client = larkmsg.Client("cli_fake_app", "fake_app_secret", base_url=url, quotas=False)
def show(progress):
    print("progress", progress.done, flush=True)
report = client.send_campaign(
    campaign_id="py-campaign", receive_id_type="open_id", receive_ids=[f"ou_py_{i}" for i in range(count)],
    msg_type="text", content='{"text":"活动"}', journal=journal, progress=show,
)
print("report", len(report.sent), len(report.failed), len(report.pending), flush=True)
"""


def run_campaign(url: str, count: int, journal: Path, kill_at: int | None) -> str | None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(count), str(journal)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    report = None
    for line in child.stdout:
        if kill_at is not None and line.startswith("progress ") and int(line.split()[1]) >= kill_at:
            os.kill(child.pid, signal.SIGKILL)
            break
        if line.startswith("report "):
            report = line.strip()
    child.wait()
    return report


def test_a_campaign_killed_half_way_and_rerun_sends_each_receiver_once(tmp_path: Path) -> None:
    count = int(os.environ.get("LARKMSG_CAMPAIGN_RECEIVERS", "10000"))
    journal = tmp_path / "journal.jsonl"
    with FakeServer() as fake:
        assert run_campaign(fake.url, count, journal, kill_at=count // 2) is None
        assert run_campaign(fake.url, count, journal, kill_at=None) == f"report {count} 0 0"
        receivers = [m["receive_id"] for m in fake.inbox()["messages"]]
    assert len(receivers) == count and len(set(receivers)) == count
