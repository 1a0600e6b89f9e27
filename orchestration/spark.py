"""Apache Spark as a second engine for the same dbt project (README, "Running on Spark").

dbt-spark's `session` method runs Spark inside the dbt process; its catalog is a local Derby metastore, so only one
Spark session (one dbt invocation, or one copy below) may use a directory at a time. The profile's `spark` target
and `spark_session()` here point at the same directory (TA_SPARK_DIR, default .spark/), so tables written here are
the ones dbt reads.

The raw tables reach Spark as copies of PostgreSQL's (`copy_raw_tables`): the sample generator and every test
mutation are written once, in SQL, against PostgreSQL, and Spark receives exactly the same rows.
Needs the spark extra (`pip install -e '.[spark]'`) and Java 17.
"""

import argparse
import datetime as dt
import decimal
import json
import os
import shutil
from pathlib import Path

from orchestration.project import LAYOUTS, PROJECT_ROOT
from orchestration.sample_data import DOMAINS
from orchestration.warehouse import ConnectionSettings, WarehouseError


def spark_dir() -> Path:
    return Path(os.environ.get("TA_SPARK_DIR", str(PROJECT_ROOT / ".spark"))).resolve()


def java_available() -> bool:
    return bool(shutil.which("java") or os.environ.get("JAVA_HOME"))


def spark_available() -> tuple[bool, str]:
    """(usable, why not): Spark needs pyspark, dbt-spark and a Java runtime."""
    try:
        import pyspark  # noqa: F401
        import dbt.adapters.spark  # noqa: F401
    except ImportError:
        return False, "the spark extra is not installed (pip install -e '.[spark]')"
    if not java_available():
        return False, "no Java runtime (Spark needs Java 17: apt install openjdk-17-jre-headless)"
    return True, ""


def spark_session(directory: Path | None = None):
    """A local Spark session on the catalog and warehouse the profile's `spark` target uses (profiles.yml.example)."""
    from pyspark.sql import SparkSession

    directory = directory or spark_dir()
    directory.mkdir(parents=True, exist_ok=True)
    return (SparkSession.builder.master("local[2]").appName("tenant-analytics")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", str(directory / "warehouse"))
            .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                    "jdbc:derby:;databaseName=metastore_db;create=true")  # in derby.system.home
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={directory}")
            .config("spark.driver.memory", "2g")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .enableHiveSupport().getOrCreate())


def _spark_type(data_type: str, precision: int | None, scale: int | None):
    from pyspark.sql import types as T

    simple = {
        "uuid": T.StringType(), "text": T.StringType(), "character varying": T.StringType(),
        "integer": T.IntegerType(), "bigint": T.LongType(), "smallint": T.IntegerType(), "boolean": T.BooleanType(),
        "timestamp with time zone": T.TimestampType(), "timestamp without time zone": T.TimestampNTZType(),
        "date": T.DateType(), "double precision": T.DoubleType(), "real": T.FloatType(), "jsonb": T.StringType(),
        "json": T.StringType(),
    }
    if data_type == "numeric":
        return T.DecimalType(precision or 38, scale if scale is not None else 10)
    if data_type not in simple:
        raise WarehouseError(f"no Spark type for PostgreSQL type {data_type!r}")
    return simple[data_type]


def _convert(value):
    """A PostgreSQL value as Spark takes it. psycopg2 reads a timestamp's ±infinity, which Spark cannot hold, as
    datetime's max / min (9999-12-31 23:59:59.999999 / 0001-01-01): macro is_infinite_time reads those as infinite."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, decimal.Decimal) and not value.is_finite():
        # Spark decimals hold no NaN or infinity: copied as null, which the same rule counts (macro is_not_finite).
        return None
    return value


def copy_raw_tables(settings: ConnectionSettings, schemas: dict[str, str], session=None, log=print) -> dict[str, int]:
    """Replace the Spark tables <schema>.<table> with the rows of PostgreSQL's, for each domain's raw tables.

    schemas maps a domain name (tryon, llm) to its raw schema, the same name on both engines. Types follow
    `_spark_type`: uuid and json become strings, timestamptz a UTC timestamp (the session time zone is UTC).
    """
    from pyspark.sql import types as T

    spark = session or spark_session()
    copied = {}
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            for domain_name, schema in schemas.items():
                spark.sql(f"create database if not exists {schema}")
                for table in DOMAINS[domain_name].tables:
                    cur.execute("""select column_name, data_type, numeric_precision, numeric_scale
                                   from information_schema.columns where table_schema = %s and table_name = %s
                                   order by ordinal_position""", (schema, table))
                    columns = cur.fetchall()
                    if not columns:
                        raise WarehouseError(f"{schema}.{table} does not exist in PostgreSQL: load the raw data first")
                    struct = T.StructType([T.StructField(name, _spark_type(kind, precision, scale), True)
                                           for name, kind, precision, scale in columns])
                    # uuid and json travel as text
                    select_list = ", ".join(f"{name}::text" if kind in ("uuid", "jsonb", "json") else name
                                            for name, kind, _p, _s in columns)
                    cur.execute(f"select {select_list} from {schema}.{table}")
                    rows = [tuple(_convert(v) for v in row) for row in cur.fetchall()]
                    frame = spark.createDataFrame(rows, struct) if rows else spark.createDataFrame([], struct)
                    frame.write.mode("overwrite").format("parquet").saveAsTable(f"{schema}.{table}")
                    copied[f"{schema}.{table}"] = len(rows)
                    log(f"spark: copied {len(rows):,} rows of {schema}.{table}")
    finally:
        conn.close()
        if session is None:
            spark.stop()
    return copied


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    return value


def export_tables(names: list[str], out: Path, session=None) -> None:
    """Write Spark tables to a JSON file {table: {"columns": [...], "rows": [[...], ...]}} (dates as ISO text,
    decimals as {"decimal": text}): how a test compares them with PostgreSQL's without sharing the Spark session."""
    spark = session or spark_session()
    try:
        tables = {}
        for name in names:
            frame = spark.table(name)
            tables[name] = {"columns": frame.columns,
                            "rows": [[_jsonable(v) for v in row] for row in frame.collect()]}
        out.write_text(json.dumps(tables), encoding="utf-8")
    finally:
        if session is None:
            spark.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orchestration.spark", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("load-raw", help="copy the raw tables of PostgreSQL (libpq variables; schemas from "
                                    "TA_RAW_SCHEMA, ...) of the enabled domains into Spark")
    export = sub.add_parser("export", help="write Spark tables to a JSON file")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("tables", nargs="+")
    args = parser.parse_args(argv)
    usable, why = spark_available()
    if not usable:
        raise SystemExit(f"error: Spark is not usable here: {why}")
    if args.command == "load-raw":
        from orchestration.preflight import enabled_domains

        schemas = {domain: LAYOUTS[domain].schema for domain in enabled_domains()}
        copy_raw_tables(ConnectionSettings.from_env(), schemas, log=lambda m: print(f"[tenant-analytics] {m}"))
    else:
        export_tables(args.tables, args.out)


if __name__ == "__main__":
    main()
