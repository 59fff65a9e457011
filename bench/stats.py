"""`runner stats` over a million step records, in SQLite and in PostgreSQL.

    python bench/stats.py [--steps 1000000] [--postgres postgresql://postgres@127.0.0.1/test]

Loads N step records (10 per run, so N/10 runs over 50 runbooks, 5 % escalated, 8 %
failing) into a fresh SQLite file and a fresh PostgreSQL schema, then times
``runner stats`` as a command (start-up included) and the aggregation alone. Target
(issue 4): under 1 s for SQLite on these machines.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from _timing import best_of  # bench/ is on sys.path when run as a script

from runner.telemetry.sql import EVENT_COLUMNS, RUN_COLUMNS, STEP_COLUMNS, SqlStore
from runner.telemetry.stats import compute

STEPS_PER_RUN = 10


def records(steps: int, seed: int = 7) -> Iterator[tuple[str, tuple[object, ...]]]:
    rng = random.Random(seed)
    now = time.time()
    for _ in range(steps // STEPS_PER_RUN):
        run_id = str(uuid.UUID(int=rng.getrandbits(128)))
        started = now - rng.uniform(0, 60 * 86400)
        duration = rng.lognormvariate(4, 1)
        fails = rng.random() < 0.08
        escalates = rng.random() < 0.05
        outcome = "escalated" if escalates else ("failed" if fails else "succeeded")
        runbook = f"runbook-{rng.randrange(50)}"
        yield (
            "run",
            (
                run_id,
                runbook,
                f"docs/{runbook}.md",
                "0" * 64,
                runbook,
                "en",
                "ola",
                "laptop",
                "manual",
                "yes",
                "{}",
                "bench",
                started,
                started + duration,
                started + duration,
                outcome,
                0 if outcome == "succeeded" else 1,
                duration,
            ),
        )
        for seq in range(1, STEPS_PER_RUN + 1):
            status = "failed" if fails and seq == STEPS_PER_RUN else "succeeded"
            yield (
                "step",
                (
                    run_id,
                    seq,
                    f"step-{seq}",
                    seq,
                    "bash",
                    started,
                    started + 1,
                    1.0,
                    status,
                    0 if status == "succeeded" else 1,
                    100,
                    "ok\n",
                ),
            )
        if escalates:
            yield "event", (str(uuid.uuid4()), run_id, started + 1, "escalated", 1, "@x", "{}")


def load_sqlite(path: Path, steps: int) -> None:
    import sqlite3

    from runner.telemetry.sqlite import SqliteStore

    SqliteStore(path).close()  # schema and migrations
    db = sqlite3.connect(path)
    sql = {
        "run": f"INSERT INTO runs ({', '.join(_q(RUN_COLUMNS))}) VALUES "
        f"({', '.join('?' * len(RUN_COLUMNS))})",
        "step": f"INSERT INTO steps ({', '.join(STEP_COLUMNS)}) VALUES "
        f"({', '.join('?' * len(STEP_COLUMNS))})",
        "event": f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES "
        f"({', '.join('?' * len(EVENT_COLUMNS))})",
    }
    with db:
        for kind, row in records(steps):
            db.execute(sql[kind], row)
    db.execute("ANALYZE")
    db.close()


def load_postgres(url: str, steps: int) -> None:
    import psycopg

    from runner.telemetry.postgres import PostgresStore

    PostgresStore(url).close()
    with psycopg.connect(url) as db:
        cur = db.cursor()
        buffers: dict[str, list[tuple[object, ...]]] = {"run": [], "step": [], "event": []}
        for kind, row in records(steps):
            buffers[kind].append(row)
        for kind, table, cols in (
            ("run", "runs", RUN_COLUMNS),
            ("step", "steps", STEP_COLUMNS),
            ("event", "events", EVENT_COLUMNS),
        ):
            with cur.copy(f"COPY {table} ({', '.join(_q(cols))}) FROM STDIN") as copy:
                for row in buffers[kind]:
                    copy.write_row(row)
        db.commit()
        cur.execute("ANALYZE")


def _q(cols: tuple[str, ...]) -> list[str]:
    return [f'"{c}"' if c in {"user", "trigger"} else c for c in cols]


def time_stats(url: str, store: SqlStore, rounds: int) -> tuple[float, float]:
    cli = best_of(
        rounds,
        lambda: subprocess.run(
            [
                sys.executable,
                "-m",
                "runner",
                "stats",
                "--since",
                "100000d",
                "--json",
                "--store",
                url,
            ],
            check=True,
            capture_output=True,
        ),
    )
    inproc = best_of(rounds, lambda: compute(store, since=0.0))
    return cli, inproc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    runs = args.steps // STEPS_PER_RUN
    print(f"{args.steps} step records, {runs} runs, 50 runbooks")

    with tempfile.TemporaryDirectory(prefix="runner-stats-") as tmp:
        path = Path(tmp) / "telemetry.db"
        started = time.perf_counter()
        load_sqlite(path, args.steps)
        print(
            f"  SQLite: loaded in {time.perf_counter() - started:.1f}s "
            f"({path.stat().st_size / 1e6:.0f} MB)"
        )
        from runner.telemetry.sqlite import SqliteStore

        store = SqliteStore(path)
        cli, inproc = time_stats(f"sqlite:///{path}", store, args.rounds)
        store.close()
        print(
            f"  SQLite: runner stats {cli * 1000:.0f} ms (command, start-up included), "
            f"aggregation {inproc * 1000:.0f} ms   target < 1000 ms"
        )

    try:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True, connect_timeout=3) as db:
            db.execute(f"CREATE SCHEMA {schema}")
    except Exception as exc:
        print(f"  PostgreSQL: skipped ({exc})")
        return
    url = f"{args.postgres}?options=-csearch_path%3D{schema}"
    try:
        started = time.perf_counter()
        load_postgres(url, args.steps)
        print(f"  PostgreSQL: loaded in {time.perf_counter() - started:.1f}s")
        from runner.telemetry.postgres import PostgresStore

        store = PostgresStore(url)
        cli, inproc = time_stats(url, store, args.rounds)
        store.close()
        print(
            f"  PostgreSQL: runner stats {cli * 1000:.0f} ms (command, start-up included), "
            f"aggregation {inproc * 1000:.0f} ms"
        )
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
