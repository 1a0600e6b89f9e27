"""Apache Superset over the marts (`make bi`, `make bi-stop`): its own virtualenv, metadata and logins, started on
127.0.0.1, reading the warehouse as a BI login.

Superset's pins clash with Dagster's, so it lives in .superset/venv, installed once (`make run` never needs it).
Its metadata is SQLite in .superset/home; the secret key, the admin password and the warehouse login's password are
generated at first start into .superset/secrets.env (mode 0600, git-ignored). The warehouse connection logs in as
`analytics_superset`, a member of analytics_bi_reader (the marts and public views of every tenant, nothing else):
what a BI tool may read is decided by the database, not by Superset. Dashboards live in bi/bundle as Superset's YAML
(datasets, charts, dashboards) and are imported on every `make bi`, overwriting what the UI changed (edit in the UI,
export, commit the YAML).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from psycopg2 import sql

from .project import PROJECT_ROOT
from .warehouse import ConnectionSettings, WarehouseError

SUPERSET_VERSION = "6.1.0"
# Beyond Superset's own requirements: flask-caching 2.5 breaks its start (apache/superset#43860), its CLI imports rich
# and its PostgreSQL engine cachetools without declaring them, and no PostgreSQL driver comes with it.
SUPERSET_PACKAGES = (f"apache-superset=={SUPERSET_VERSION}", "flask-caching==2.4.1", "rich", "cachetools",
                     "psycopg2-binary")
BI_ROOT = PROJECT_ROOT / ".superset"
VENV = BI_ROOT / "venv"
# An instance's state (its metadata, secrets, pid and log): .superset, or $TA_BI_HOME (the tests' own instance).
STATE = Path(os.environ.get("TA_BI_HOME") or BI_ROOT)
HOME = STATE / "home"
SECRETS = STATE / "secrets.env"
PID_FILE = STATE / "gunicorn.pid"
LOG_FILE = STATE / "superset.log"
BUNDLE = PROJECT_ROOT / "bi" / "bundle"
CONFIG = PROJECT_ROOT / "bi" / "superset_config.py"
DEFAULT_PORT = 8088
BI_LOGIN = "analytics_superset"
BI_ROLE = "analytics_bi_reader"
ADMIN = "admin"


def port() -> int:
    return int(os.environ.get("TA_BI_PORT", DEFAULT_PORT))


def url() -> str:
    return f"http://127.0.0.1:{port()}"


def install(log=print) -> Path:
    """Superset in its own virtualenv, once; returns its `superset` executable."""
    marker = VENV / ".installed"
    if not marker.exists():
        log(f"installing Apache Superset {SUPERSET_VERSION} into {VENV.relative_to(PROJECT_ROOT)} (once; about 5 "
            "minutes and 800 MB) ...")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-qq", "--upgrade", "pip"], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-qq", *SUPERSET_PACKAGES], check=True)
        marker.touch()
    return VENV / "bin" / "superset"


def read_secrets() -> dict[str, str]:
    """The generated secrets (created at the first call, mode 0600)."""
    STATE.mkdir(parents=True, exist_ok=True)
    if not SECRETS.exists():
        values = {"SUPERSET_SECRET_KEY": secrets.token_urlsafe(48), "TA_BI_ADMIN_PASSWORD": secrets.token_urlsafe(18),
                  "TA_BI_LOGIN_PASSWORD": secrets.token_urlsafe(24)}
        descriptor = os.open(SECRETS, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines(f"{key}={value}\n" for key, value in values.items())
    return dict(line.strip().split("=", 1) for line in SECRETS.read_text(encoding="utf-8").splitlines() if "=" in line)


def environment() -> dict[str, str]:
    HOME.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "SUPERSET_CONFIG_PATH": str(CONFIG), "SUPERSET_HOME": str(HOME), "FLASK_APP": "superset",
            "SUPERSET_SECRET_KEY": read_secrets()["SUPERSET_SECRET_KEY"]}


def superset(*args: str) -> None:
    """One Superset CLI command; its output goes to .superset/superset.log, a failure is one line naming it."""
    STATE.mkdir(parents=True, exist_ok=True)
    with LOG_FILE.open("a", encoding="utf-8") as log:
        done = subprocess.run([str(VENV / "bin" / "superset"), *args], env=environment(), stdout=log,
                              stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise WarehouseError(f"superset {args[0]} failed (exit {done.returncode}); see {LOG_FILE}")


def add_bi_login(settings: ConnectionSettings, login: str, password: str) -> None:
    """A BI login: a member of analytics_bi_reader only (created, or its password set). Needs one dbt build first."""
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_roles where rolname = %s", (BI_ROLE,))
            if cur.fetchone() is None:
                raise WarehouseError(f"role {BI_ROLE} is missing: run a dbt build first (make run)")
            cur.execute("select 1 from pg_roles where rolname = %s", (login,))
            verb = "alter" if cur.fetchone() else "create"
            cur.execute(sql.SQL(verb + " role {} login password {}").format(sql.Identifier(login),
                                                                            sql.Literal(password)))
            cur.execute(sql.SQL("grant {} to {}").format(sql.Identifier(BI_ROLE), sql.Identifier(login)))
    finally:
        conn.close()


def render_bundle(settings: ConnectionSettings, target: Path) -> Path:
    """bi/bundle with the warehouse connection filled in ({{ warehouse_uri }} in databases/*.yaml)."""
    password = read_secrets()["TA_BI_LOGIN_PASSWORD"]
    uri = (f"postgresql+psycopg2://{BI_LOGIN}:{password}@{settings.host}:{settings.port}/{settings.database}")
    shutil.copytree(BUNDLE, target, dirs_exist_ok=True)
    for path in (target / "databases").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("{{ warehouse_uri }}", uri), encoding="utf-8")
    return target


def is_running() -> bool:
    try:
        with urllib.request.urlopen(f"{url()}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start(settings: ConnectionSettings, log=print) -> str:
    """Install (once), initialize, import the dashboards and start Superset; returns its URL."""
    install(log)
    values = read_secrets()
    if not (HOME / "superset.db").exists() or not (HOME / ".initialized").exists():
        log("initializing Superset's metadata (SQLite) and its admin login ...")
        superset("db", "upgrade")
        superset("fab", "create-admin", "--username", ADMIN, "--firstname", "Analytics", "--lastname", "Admin",
                 "--email", "admin@localhost", "--password", values["TA_BI_ADMIN_PASSWORD"])
        superset("init")
        (HOME / ".initialized").touch()
    add_bi_login(settings, BI_LOGIN, values["TA_BI_LOGIN_PASSWORD"])
    if BUNDLE.exists() and any(BUNDLE.rglob("*.yaml")):
        with tempfile.TemporaryDirectory() as folder:
            superset("import-directory", "--overwrite", str(render_bundle(settings, Path(folder) / "bundle")))
        log(f"dashboards imported from {BUNDLE.relative_to(PROJECT_ROOT)}")
    if not is_running():
        with LOG_FILE.open("a", encoding="utf-8") as handle:
            subprocess.run([str(VENV / "bin" / "gunicorn"), "--workers", "1", "--worker-class", "gthread",
                            "--threads", "8", "--bind", f"127.0.0.1:{port()}", "--timeout", "120", "--pid",
                            str(PID_FILE), "--daemon", "superset.app:create_app()"],
                           env=environment(), stdout=handle, stderr=subprocess.STDOUT, check=True)
        deadline = time.monotonic() + 120
        while not is_running():
            if time.monotonic() > deadline:
                raise WarehouseError(f"Superset did not answer on {url()} within 120 s; see {LOG_FILE}")
            time.sleep(1)
    return url()


def stop() -> bool:
    """Stop Superset; False when it was not running."""
    if not PID_FILE.exists():
        return False
    try:
        os.kill(int(PID_FILE.read_text().strip()), signal.SIGTERM)
    except (ProcessLookupError, ValueError):
        PID_FILE.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + 30
    while PID_FILE.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    return True
