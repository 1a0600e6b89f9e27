"""Screenshots of what a newcomer looks at first, taken with headless Chromium (`make screenshots`): the Dagster
lineage from the raw tables, an incremental mart's partitions and its checks, and the dbt docs overview.

Each page is saved as PNG, and its rendered text beside it (.txt) and returned, so a test can check what the page says
(tests/pytest/test_ui.py). The Dagster webserver (no daemon: no schedule fires while the pictures are taken) reads
$DAGSTER_HOME; dbt docs are generated into target/ and served by a static file server.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .local_http import free_port, wait_for
from .project import PROJECT_ROOT, dbt_executable, target_dir

# The pages, by file name: (server, path). The mart is an incremental one, so its partitions mean something.
MART = "marts/tenant_tryon_daily"
PAGES = {
    "dagster-lineage-from-raw": ("dagster", "assets/raw/tryon/tryon_jobs?view=lineage&lineageScope=downstream&lineageDepth=3"),
    "dagster-raw-group": ("dagster", "locations/orchestration.definitions/asset-groups/raw/list"),
    "dagster-raw-freshness": ("dagster", "assets/raw/tryon/tryon_jobs?view=checks"),
    "dagster-partitions": ("dagster", f"assets/{MART}?view=partitions"),
    "dagster-checks": ("dagster", f"assets/{MART}?view=checks"),
    "dbt-docs-overview": ("docs", "#!/overview"),
}


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    png: Path
    text: str


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)  # type: ignore[return-value]
    raise SystemExit("error: no Chromium found: install Debian's chromium (apt-get install chromium)")


def _wait_for(url: str, seconds: float, process: subprocess.Popen | None = None) -> None:
    failure = wait_for(url, seconds, process)
    if failure:
        raise SystemExit(f"error: {failure}")


@contextlib.contextmanager
def dagster_webserver(log: Path) -> Iterator[str]:
    """The Dagster UI over $DAGSTER_HOME on a free port (its own process group, stopped on exit)."""
    port = free_port()
    webserver = Path(sys.executable).with_name("dagster-webserver")
    with log.open("w") as handle:
        process = subprocess.Popen([str(webserver), "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p",
                                    str(port)], cwd=PROJECT_ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/server_info", 120, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def dbt_docs() -> Iterator[str]:
    """`dbt docs generate` (needs the warehouse: the catalog), served from target/ on a free port."""
    subprocess.run([dbt_executable(), "docs", "generate", "--quiet"], cwd=PROJECT_ROOT, check=True)
    handler = functools.partial(_QuietHandler, directory=str(target_dir()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def page_text(html: str) -> str:
    """The words a person sees: the DOM without scripts, styles and tags, whitespace collapsed."""
    html = re.sub(r"(?s)<(style|script)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def capture(url: str, png: Path, wait_ms: int = 20_000) -> str:
    """Screenshot of url (1500x1000) into png, and the page's text once its scripts have run for wait_ms."""
    common = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              "--window-size=1500,1000", f"--virtual-time-budget={wait_ms}"]
    subprocess.run([*common, f"--screenshot={png}", url], check=True, capture_output=True, timeout=180)
    dom = subprocess.run([*common, "--dump-dom", url], check=True, capture_output=True, text=True, timeout=180)
    return page_text(dom.stdout)


def take(out_dir: Path, log=print) -> dict[str, Page]:
    """Every page of PAGES as out_dir/<name>.png; returns them with their text."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages: dict[str, Page] = {}
    with dagster_webserver(out_dir / "dagster-webserver.log") as dagster, dbt_docs() as docs:
        bases = {"dagster": dagster, "docs": docs}
        for name, (server, path) in PAGES.items():
            url = f"{bases[server]}/{path}" if server == "dagster" else f"{bases[server]}{path}"
            png = out_dir / f"{name}.png"
            pages[name] = Page(name, url, png, capture(url, png))
            png.with_suffix(".txt").write_text(pages[name].text, encoding="utf-8")
            log(f"{png.relative_to(PROJECT_ROOT) if png.is_relative_to(PROJECT_ROOT) else png}  ({path})")
    return pages
