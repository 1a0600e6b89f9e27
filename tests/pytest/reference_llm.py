"""An independent computation of every LLM gateway metric (spec 001), in plain Python over the raw rows.

Written from the spec and the rules documented in models/staging/llm/_llm__models.yml and the README, not
from the SQL: it shares no code with the dbt project. Money is Decimal, as in the warehouse.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reference import is_infinite, mask_pii

KNOWN_STATUSES = {"success", "error", "timeout"}
LATENCY_OUTLIER_MS = 600_000  # dbt_project.yml, llm_latency_outlier_ms
MAX_TOKENS = 10_000_000  # llm_max_tokens_per_request
MAX_COST_USD = Decimal(10_000)  # llm_max_cost_usd_per_request


def _usable_money(value: Decimal | None) -> bool:
    """A logged amount the README's rules accept: present, a finite number (not NaN or infinite), not negative and
    not above the implausibility limit."""
    return value is not None and value.is_finite() and 0 <= value <= MAX_COST_USD


def _money_order(value: Decimal | None):
    """Ascending order of an amount as PostgreSQL sorts it, missing last: numbers, then NaN, then null."""
    if value is None:
        return (2, 0)
    return (1, 0) if value.is_nan() else (0, value)
PRICES_CSV = Path(__file__).resolve().parents[2] / "seeds" / "llm_model_prices.csv"


def _label(value: str | None) -> str:
    """A provider or model name as the README's rules leave it: trimmed, lower case, personal data masked."""
    text = (value or "").strip().lower()
    return mask_pii(text or "unknown")


def load_prices(path: Path = PRICES_CSV) -> dict[str, list[tuple[dt.date, Decimal, Decimal]]]:
    """model -> [(valid_from, input per 1K, output per 1K)], oldest first; a price holds until the next one."""
    prices: dict[str, list] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            prices[row["model"].strip().lower()].append((
                dt.date.fromisoformat(row["valid_from"]),
                Decimal(row["input_usd_per_1k_tokens"]),
                Decimal(row["output_usd_per_1k_tokens"]),
            ))
    return {model: sorted(periods) for model, periods in prices.items()}


def price_on(prices: dict, model: str, day: dt.date) -> tuple[Decimal, Decimal] | None:
    current = None
    for valid_from, price_in, price_out in prices.get(model, []):
        if valid_from <= day:
            current = (price_in, price_out)
    return current


def list_cost(tokens_in: int, tokens_out: int, price: tuple[Decimal, Decimal]) -> Decimal:
    """The spec's backfill formula, rounded half away from zero to 8 decimals like cost_usd."""
    raw = (tokens_in * price[0] + tokens_out * price[1]) / 1000
    return raw.quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)


def _newest_first_key(row: dict):
    """Newest delivery first: ingested_at desc, created_at desc (missing last), then the documented tie-breaks."""
    never = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return (
        -(row["ingested_at"] or never).timestamp() if row["ingested_at"] else math.inf,
        -(row["created_at"]).timestamp() if row["created_at"] else math.inf,
        str(row["project_id"]) if row["project_id"] is not None else "\uffff",
        _label(row["model"]),
        _money_order(row["cost_usd"]),
        _money_order(row["potential_cost_usd"]),
        row["latency_ms"] if row["latency_ms"] is not None else math.inf,
    )


def clean_requests(raw_logs: list[dict], raw_projects: list[dict], prices: dict | None = None) -> list[dict]:
    """One row per request, with the derived fields of the rules (README, "LLM gateway" data rules)."""
    prices = prices if prices is not None else load_prices()
    tenant_of = project_tenants(raw_projects)
    by_id: dict = defaultdict(list)
    for row in raw_logs:
        if row["id"] is not None:
            by_id[row["id"]].append(row)
    requests = []
    for versions in by_id.values():
        row = min(versions, key=_newest_first_key)
        if row["project_id"] is None or row["created_at"] is None or is_infinite(row["created_at"]):
            continue
        created = row["created_at"].astimezone(dt.timezone.utc)
        day = created.date()
        tokens_ok = (row["tokens_input"] is not None and row["tokens_output"] is not None
                     and 0 <= row["tokens_input"] <= MAX_TOKENS and 0 <= row["tokens_output"] <= MAX_TOKENS)
        tokens_in = row["tokens_input"] if tokens_ok else None
        tokens_out = row["tokens_output"] if tokens_ok else None
        cost = row["cost_usd"] if _usable_money(row["cost_usd"]) else None
        latency = row["latency_ms"]
        if latency is not None and not (0 <= latency <= LATENCY_OUTLIER_MS):
            latency = None
        cached = bool(row["cached"])
        model = _label(row["model"])
        price = price_on(prices, model, day)
        listed = list_cost(tokens_in, tokens_out, price) if price is not None and tokens_ok else None
        raw_potential = row["potential_cost_usd"]
        if _usable_money(raw_potential) and raw_potential > 0:
            potential, imputed = raw_potential, False
        else:  # the spec's backfill: cached rows priced from the list, non-cached rows cost what they cost
            potential = listed if cached else cost
            imputed = potential is not None
        status = (row["status"] or "").strip().lower()
        requests.append({
            "project_id": row["project_id"],
            "tenant_id": tenant_of.get(row["project_id"]),
            "hour": created.replace(minute=0, second=0, microsecond=0),
            "day": day,
            "provider": _label(row["provider"]),
            "model": model,
            "cached": cached,
            "is_error": status != "success",  # error, timeout and unknown statuses
            "tokens_input": tokens_in,
            "tokens_output": tokens_out,
            "cost": cost,
            "potential": potential,
            "imputed": imputed,
            "savings": potential - cost if potential is not None and cost is not None else None,
            "latency": latency,
        })
    return requests


def project_tenants(raw_projects: list[dict]) -> dict:
    """project id -> tenant of its newest copy (by created_at)."""
    newest: dict = {}
    never = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    for row in raw_projects:
        if row["id"] is None:
            continue
        seen = newest.get(row["id"])
        if seen is None or (row["created_at"] or never) > (seen["created_at"] or never):
            newest[row["id"]] = row
    return {pid: row["tenant_id"] for pid, row in newest.items()}


def nearest_rank(values: list[float], quantile: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(quantile * len(ordered)), 1) - 1]


def usage_metrics(requests: list[dict]) -> dict:
    """Spec 001's aggregate columns over a group of requests."""
    total = len(requests)
    cached = sum(r["cached"] for r in requests)
    latencies = [r["latency"] for r in requests if r["latency"] is not None]
    tokens_in = sum(r["tokens_input"] for r in requests if r["tokens_input"] is not None)
    tokens_out = sum(r["tokens_output"] for r in requests if r["tokens_output"] is not None)
    by_provider: dict = defaultdict(int)
    by_model: dict = defaultdict(int)
    for r in requests:
        by_provider[r["provider"]] += 1
        by_model[r["model"]] += 1
    return {
        "total_requests": total,
        "cached_requests": cached,
        "cache_hit_rate": Decimal(100 * cached) / Decimal(total) if total else None,
        "error_requests": sum(r["is_error"] for r in requests),
        "total_tokens_input": tokens_in,
        "total_tokens_output": tokens_out,
        "total_tokens": tokens_in + tokens_out,
        "total_cost_usd": sum((r["cost"] for r in requests if r["cost"] is not None), Decimal(0)),
        "total_potential_cost_usd": sum((r["potential"] for r in requests if r["potential"] is not None), Decimal(0)),
        "total_savings_usd": sum((r["savings"] for r in requests if r["savings"] is not None), Decimal(0)),
        "unpriced_requests": sum(r["potential"] is None for r in requests),
        "potential_cost_imputed_requests": sum(r["imputed"] for r in requests),
        "avg_latency_ms": sum(latencies) / len(latencies) if latencies else None,
        "p95_latency_ms": nearest_rank(latencies, 0.95),
        "requests_by_provider": dict(by_provider),
        "requests_by_model": dict(by_model),
    }


def group(requests: list[dict], *keys: str) -> dict[tuple, list[dict]]:
    groups: dict = defaultdict(list)
    for r in requests:
        groups[tuple(r[k] for k in keys)].append(r)
    return groups
