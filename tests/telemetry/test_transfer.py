"""Records move between stores exactly once: export/import, and the outbox that keeps a run
whose shared store went away mid-run."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner.telemetry import open_store
from runner.telemetry.sqlite import SqliteStore
from tests.conftest import ROOT, run_cli
from tests.telemetry.test_stats import add_run


def _counts(url: str) -> tuple[int, int, int]:
    db = open_store(url)
    try:
        return tuple(len(list(db.all_rows(t))) for t in ("runs", "steps", "events"))  # type: ignore[return-value]
    finally:
        db.close()


def test_export_import_between_stores_without_duplicates(tmp_path: Path, pg_url: str) -> None:
    sqlite_url = f"sqlite:///{tmp_path}/local.db"
    local = open_store(sqlite_url)
    add_run(
        local,
        "r1",
        "a",
        time.time() - 60,
        duration=5,
        outcome="succeeded",
        steps=(("s1", "succeeded"), ("s2", "failed")),
        escalations=(1,),
    )
    add_run(local, "r2", "b", time.time() - 30, duration=2, outcome="failed")
    local.close()
    dump = run_cli("telemetry", "export", "--format", "jsonl", "--store", sqlite_url).stdout
    kinds = [json.loads(line)["type"] for line in dump.splitlines()]
    assert kinds == ["run", "run", "step", "step", "event"]
    for _ in range(2):  # importing twice adds nothing the second time
        result = run_cli("telemetry", "import", "--store", pg_url, input=dump)
        assert result.returncode == 0, result.stderr
    assert _counts(pg_url) == (2, 2, 1)
    back = run_cli("telemetry", "export", "--store", pg_url).stdout
    assert sorted(back.splitlines()) == sorted(dump.splitlines())


class Proxy:
    """A TCP proxy in front of PostgreSQL that a test can take away and bring back."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self._conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self._listener is not None:
            # shutdown wakes the thread blocked in accept(), which frees the port
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self._conns.clear()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    p = Proxy(("127.0.0.1", 5432))
    p.start()
    yield p
    p.stop()


def test_server_away_mid_run_then_sync_exactly_once(
    tmp_path: Path, pg_url: str, proxy: Proxy
) -> None:
    url = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    page = tmp_path / "outage.md"
    page.write_text(
        "---\nescalation:\n  - {level: 1, contact: '@x', after: 1s}\n---\n# Outage\n\n"
        "## One\n\n```bash\necho one\n```\n\n## Two\n\n```bash\n"
        'while [ ! -f "$GO" ]; do sleep 0.05; done\necho two\n```\n\n'
        "## Three\n\n```bash\necho three\n```\n",
        encoding="utf-8",
    )
    go = tmp_path / "go"
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "RUNNER_LANG": "en",
        "GO": str(go),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    runner = subprocess.Popen(
        [sys.executable, "-m", "runner", "exec", str(page), "--yes", "--store", url],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while _counts(pg_url)[1] < 1:  # step one is in PostgreSQL
        assert time.monotonic() < deadline and runner.poll() is None
        time.sleep(0.05)
    proxy.stop()  # the server goes away while step two runs
    time.sleep(1.2)  # the escalation timer fires into the outage too
    go.write_text("go")
    out, err = runner.communicate(timeout=60)
    assert runner.returncode == 0, out + err
    assert "unreachable" in out and "telemetry sync" in out

    runs, steps, _ = _counts(pg_url)
    assert (runs, steps) == (1, 1)
    outbox = SqliteStore(tmp_path / "state" / "runner" / "outbox.db")
    assert [s["step_id"] for s in outbox.all_rows("steps")] == ["two", "three"]
    outbox.close()

    proxy.start()  # the server is back (same port)
    synced = run_cli(
        "telemetry", "sync", "--store", url, env={"XDG_STATE_HOME": str(tmp_path / "state")}
    )
    assert synced.returncode == 0, synced.stderr
    assert "1 run(s), 2 step(s), 1 event(s) flushed" in synced.stdout
    db = open_store(pg_url)
    (run,) = db.runs()
    assert (run["outcome"], run["exit_code"]) == ("succeeded", 0)
    assert [s["step_id"] for s in db.steps(run["id"])] == ["one", "two", "three"]
    assert [e["level"] for e in db.events(run["id"])] == [1]
    db.close()
    again = run_cli(
        "telemetry", "sync", "--store", url, env={"XDG_STATE_HOME": str(tmp_path / "state")}
    )
    assert "0 run(s)" in again.stdout
    assert _counts(pg_url) == (1, 3, 1)


def test_next_run_flushes_the_outbox_itself(tmp_path: Path, pg_url: str) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state")}
    page = tmp_path / "p.md"
    page.write_text("# P\n\n```bash\necho hi\n```\n", encoding="utf-8")
    dead = pg_url.replace("127.0.0.1:5432", "127.0.0.1:9")  # nothing listens there
    first = run_cli("exec", str(page), "--yes", "--store", dead, env=env)
    assert first.returncode == 0 and "unreachable" in first.stdout
    assert _counts(pg_url) == (0, 0, 0)
    second = run_cli("exec", str(page), "--yes", "--store", pg_url, env=env)
    assert second.returncode == 0
    assert _counts(pg_url) == (2, 2, 0)  # the buffered run came along
