"""Spec 002's Prometheus metrics: `tenant-analytics exporter` serves them on 127.0.0.1, read at each scrape from the
marts, the export audit and Dagster's run records (nothing is counted in this process, so a restarted exporter loses
nothing). README, "Prometheus metrics", has the series and what each is read from.

The connection reads every tenant's rows and the export audit: an analytics_admin login (the connection `make run`
uses is one).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from .warehouse import ConnectionSettings

DEFAULT_PORT = 9464
EVENTS_JOB = "analytics_events"
# Rollup durations in seconds: a day of one tenant's events takes seconds, a backfill of a large history minutes.
ROLLUP_BUCKETS = (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

# Each series' relation and query; a relation that does not exist yet (the events domain not built) gives no samples.
QUERIES = {
    "events": ("marts.analytics_events_daily_by_source",
               """select tenant_id::text, event, source, sum(count)::bigint
                  from marts.analytics_events_daily_by_source group by 1, 2, 3 order by 1, 2, 3"""),
    "usage": ("marts.analytics_daily_usage",
              """select tenant_id::text, metric, sum(count)::bigint
                 from marts.analytics_daily_usage group by 1, 2 order by 1, 2"""),
    "quota_exceeded": ("marts.analytics_quota_exceeded",
                       """select tenant_id::text, metric, count(*)::bigint
                          from marts.analytics_quota_exceeded group by 1, 2 order by 1, 2"""),
    "export_requests": ("analytics_audit.export_requests",
                        """select coalesce(tenant_id::text, 'none'), count(*)::bigint
                           from analytics_audit.export_requests group by 1 order by 1"""),
}


class AnalyticsCollector(Collector):
    """Reads every series at each scrape; times its own reads into sbh_analytics_query_duration_seconds."""

    def __init__(self, settings: ConnectionSettings, registry: CollectorRegistry, dagster_instance=None):
        self.settings = settings
        self.instance = dagster_instance
        self.query_seconds = Histogram("sbh_analytics_query_duration_seconds",
                                       "Duration of the analytics queries behind these metrics", ["query"],
                                       registry=registry)

    def _read(self, cur, name: str) -> list[tuple]:
        relation, query = QUERIES[name]
        cur.execute("select to_regclass(%s)", (relation,))
        if cur.fetchone()[0] is None:
            return []
        started = time.perf_counter()
        cur.execute(query)
        rows = cur.fetchall()
        self.query_seconds.labels(query=name).observe(time.perf_counter() - started)
        return rows

    def collect(self) -> Iterator[Metric]:
        events = CounterMetricFamily("sbh_analytics_events", "Total events tracked",
                                     labels=["tenant", "event", "source"])
        usage = CounterMetricFamily("sbh_usage_count", "Usage counters", labels=["tenant", "metric"])
        exceeded = CounterMetricFamily("sbh_quota_exceeded", "Quota exceeded events (tenant, metric and day)",
                                       labels=["tenant", "metric"])
        exports = CounterMetricFamily("sbh_analytics_export_requests", "Export requests", labels=["tenant"])
        conn = self.settings.connect()
        try:
            with conn.cursor() as cur:
                for tenant, event, source, count in self._read(cur, "events"):
                    events.add_metric([tenant, event, source], count)
                for tenant, metric, count in self._read(cur, "usage"):
                    usage.add_metric([tenant, metric], count)
                for tenant, metric, count in self._read(cur, "quota_exceeded"):
                    exceeded.add_metric([tenant, metric], count)
                for tenant, count in self._read(cur, "export_requests"):
                    exports.add_metric([tenant], count)
        finally:
            conn.close()
        yield from (events, usage, exceeded, exports)
        yield from self._rollups()

    def _rollups(self) -> Iterator[Metric]:
        """The daily rollup's runs (the events job, scheduled or by hand) as Dagster recorded them."""
        from dagster import DagsterRunStatus, RunsFilter

        runs = CounterMetricFamily("sbh_analytics_rollup_runs", "Rollup job runs (finished)", labels=["status"])
        durations = []
        counts = {"success": 0, "failure": 0}
        if self.instance is not None:
            records = self.instance.get_run_records(RunsFilter(
                job_name=EVENTS_JOB, statuses=[DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE]))
            for record in records:
                counts[record.dagster_run.status.value.lower()] += 1
                if record.start_time and record.end_time:
                    durations.append(record.end_time - record.start_time)
        for status, count in counts.items():
            runs.add_metric([status], count)
        yield runs
        buckets = []
        for bound in ROLLUP_BUCKETS:
            buckets.append((str(float(bound)), sum(1 for d in durations if d <= bound)))
        buckets.append(("+Inf", len(durations)))
        yield HistogramMetricFamily("sbh_analytics_rollup_duration_seconds", "Rollup job duration",
                                    buckets=buckets, sum_value=sum(durations))


def registry_for(settings: ConnectionSettings, dagster_instance=None) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(AnalyticsCollector(settings, registry, dagster_instance))
    return registry


def serve(settings: ConnectionSettings, port: int = DEFAULT_PORT, host: str = "127.0.0.1",
          dagster_instance=None) -> WSGIServer:
    """Start serving /metrics on host:port in a background thread; returns the server (shutdown() stops it)."""
    from prometheus_client.exposition import start_wsgi_server

    server, _thread = start_wsgi_server(port, addr=host, registry=registry_for(settings, dagster_instance))
    return server
