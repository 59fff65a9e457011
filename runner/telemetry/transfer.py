"""Moving records between stores: export/import as JSON Lines, and the local outbox.

Every record has a natural key (run id, run id + step sequence, event id) and every
write is an upsert or insert-if-absent, so importing or syncing twice changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from runner.telemetry.sql import SqlStore


def outbox_location() -> Path:
    from runner.telemetry import default_location

    return Path(os.environ.get("RUNNER_OUTBOX") or default_location().with_name("outbox.db"))


def export_records(store: SqlStore) -> Iterator[dict[str, Any]]:
    for kind, table in (("run", "runs"), ("step", "steps"), ("event", "events")):
        for row in store.all_rows(table):
            yield {"type": kind, **row}


def import_records(store: SqlStore, records: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Runs first (steps and events refer to them), then the rest; duplicates are skipped."""
    counts = {"run": 0, "step": 0, "event": 0}
    later: list[dict[str, Any]] = []
    for record in records:
        kind = record.get("type")
        if kind == "run":
            store.put_run(record)
            counts["run"] += 1
        elif kind in {"step", "event"}:
            later.append(record)
    for record in later:
        if record["type"] == "step":
            store.put_step(record)
        else:
            store.put_event(record)
        counts[record["type"]] += 1
    return counts


def flush(outbox: SqlStore, primary: SqlStore) -> dict[str, int]:
    """Copy everything buffered into the primary store, then empty the outbox."""
    records = list(export_records(outbox))
    counts = import_records(primary, records)
    run_ids = [r["id"] for r in records if r["type"] == "run"]
    outbox.delete_runs(run_ids)
    return counts


def sync(url: str | None) -> dict[str, int]:
    """``runner telemetry sync``: flush the outbox into the store named by url."""
    from runner.telemetry import open_store
    from runner.telemetry.sqlite import SqliteStore

    path = outbox_location()
    if not path.exists():
        return {"run": 0, "step": 0, "event": 0}
    outbox = SqliteStore(path)
    primary = open_store(url)
    try:
        return flush(outbox, primary)
    finally:
        primary.close()
        outbox.close()
