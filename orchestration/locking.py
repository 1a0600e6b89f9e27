"""One dbt build at a time per database: parallel runs of a model collide on dbt's temporary relations.

The lock is a PostgreSQL session-level advisory lock in the database being built, so runs collide exactly where
they would conflict: two checkouts, the Dagster daemon, the CLI, the benchmark and the tests all take it, and a
process that dies releases it with its connection.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from .warehouse import ConnectionSettings

# An arbitrary key, the same for every process of this project (advisory locks are per database).
BUILD_LOCK_KEY = 746_153_200_218


@contextlib.contextmanager
def dbt_build_lock(settings: ConnectionSettings | None = None, log=print, poll_seconds: float = 2.0) -> Iterator[None]:
    """Hold the database's build lock while the block runs, waiting (and saying so once) while another holds it."""
    settings = settings or ConnectionSettings.from_env()
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            waited = False
            while True:
                cur.execute("select pg_try_advisory_lock(%s)", (BUILD_LOCK_KEY,))
                if cur.fetchone()[0]:
                    break
                if not waited:
                    log(f"another build holds the build lock of {settings.describe()}; waiting for it to finish ...")
                    waited = True
                time.sleep(poll_seconds)
        yield
    finally:
        conn.close()  # the session ends, and the lock with it
