"""Local HTTP servers the project starts (the Dagster UI, dbt docs, Superset): a free port, and waiting for one."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    """The URL answers 200 now."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(url: str, seconds: float, process: subprocess.Popen | None = None) -> str | None:
    """Wait until the URL answers 200; None when it did, else why not (the timeout, or the server process exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return f"the server for {url} exited (status {process.returncode})"
        if answers(url):
            return None
        time.sleep(0.5)
    return f"{url} did not answer within {seconds:.0f} s"
