"""The SQLite store: migrations, what a run row holds, redaction."""

from __future__ import annotations

import base64
import json
import sqlite3
import urllib.parse
from pathlib import Path

from runner.telemetry import open_store
from runner.telemetry.redact import MASK, Redactor, looks_like_token
from runner.telemetry.sqlite import MIGRATIONS, SqliteStore
from tests.conftest import run_cli
from tests.execute.conftest import EXEC


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    SqliteStore(path).close()
    SqliteStore(path).close()
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM schema_migrations")]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert names == [name for name, _ in MIGRATIONS]
    assert mode == "wal"


def test_store_urls(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    absolute = open_store(f"sqlite:///{tmp_path}/a/b.db")  # sqlite:////tmp/...: absolute
    assert isinstance(absolute, SqliteStore) and absolute.path == tmp_path / "a" / "b.db"
    absolute.close()
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///rel/c.db")
    assert isinstance(relative, SqliteStore) and relative.path == Path("rel/c.db")
    assert (tmp_path / "rel" / "c.db").exists()
    relative.close()
    plain = open_store(str(tmp_path / "d.db"))
    assert isinstance(plain, SqliteStore) and plain.path == tmp_path / "d.db"
    plain.close()


def test_run_row_holds_who_what_and_which_version(tmp_path: Path) -> None:
    store_path = tmp_path / "t.db"
    result = run_cli(
        "exec",
        str(EXEC / "confirm.md"),
        "--yes",
        "--step",
        "harmless",
        "--store",
        f"sqlite:///{store_path}",
    )
    assert result.returncode == 0
    (run,) = SqliteStore(store_path).runs()
    text = (EXEC / "confirm.md").read_bytes()
    import hashlib

    assert run["sha256"] == hashlib.sha256(text).hexdigest()
    assert run["runbook_id"] == "confirm" and run["title"] == "Confirm"
    assert run["user"] and run["host"] and run["runner_version"]
    assert run["trigger"] == "manual" and run["mode"] == "yes"
    assert run["ended_at"] >= run["started_at"]


def test_redactor_masks_every_form_of_a_secret() -> None:
    secret = "p@ss w0rd/+"
    redact = Redactor([secret])
    forms = [
        secret,
        "'p@ss w0rd/+'",
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        base64.b64encode(secret.encode()).decode(),
        json.dumps(secret)[1:-1],
    ]
    for form in forms:
        assert redact(f"before {form} after") == f"before {MASK} after", form


def test_token_like_values() -> None:
    samples = [
        "ghp_" + "a" * 36,
        "xoxb-1234567890-abcdefghij",
        "AKIAIOSFODNN7EXAMPLE",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
    ]
    for token in samples:
        assert looks_like_token(token), token
        assert token not in Redactor()(f"value={token}")
    assert Redactor()("Authorization: Bearer abcdefghijklmnop1234") == (
        f"Authorization: Bearer {MASK}"
    )
    for plain in ["staging", "prod", "kube-system", "api-7d9f8b6c5d-x2k4j", "42"]:
        assert not looks_like_token(plain)
