"""One dbt build at a time: parallel runs of a model collide on dbt's temporary relations."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from .project import PROJECT_ROOT

LOCK_FILE = PROJECT_ROOT / "target" / ".dbt-build.lock"


@contextlib.contextmanager
def dbt_build_lock(path: Path = LOCK_FILE, log=print, poll_seconds: float = 2.0) -> Iterator[None]:
    """Hold an exclusive lock for the duration of a dbt build, waiting (and saying so) if another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    log(f"another dbt build holds {path}; waiting for it to finish ...")
                    waited = True
                time.sleep(poll_seconds)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
