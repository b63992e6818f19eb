"""The replenishment backtest (补货回测, docs/backtest.md) over HTTP: what ``jxc backtest CSV`` does.

- ``POST /replenishment/backtests``: the demand CSV itself as the body (``text/csv``, UTF-8 with or
  without BOM, or GB18030; at most 5 MiB), settings as query parameters mirroring the CLI's options.
  Answers what ``jxc backtest --json`` writes, plus ``series``: the per-day data behind its charts.
  A bad CSV is a 422 problem naming the row and column. The simulation runs in a worker thread
  (at most two at a time), so the server keeps answering meanwhile.
- ``GET /replenishment/backtests/sample.csv``: a small demo history (5 item-sites, half a year) to try.

Both need ``replenishment.read``. No database is touched.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Final

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from jxc.access.model import Principal
from jxc.api.deps import requires
from jxc.kernel.errors import InvalidInput, JxcError
from jxc.replenishment.backtest import run_backtest
from jxc.replenishment.backtest_config import BacktestConfig, config_from_mapping, parse_targets
from jxc.replenishment.backtest_data import parse_demand_csv
from jxc.replenishment.backtest_report import chart_series, result_dict
from jxc.replenishment.demo_demand import demo_rows

__all__ = ["MAX_CSV_BYTES", "router", "sample_csv"]

router = APIRouter(tags=["replenishment"])
Reader = Annotated[Principal, Depends(requires("replenishment.read"))]

MAX_CSV_BYTES: Final = 5 * 1024 * 1024
SAMPLE_ITEMS: Final = ("FRESH-01", "FRESH-02", "HOSP-01", "PROMO-01", "SLOW-01")
SAMPLE_DAYS: Final = 182
_RUNNING: Final = anyio.CapacityLimiter(2)  # backtests at once; the others wait their turn

CSV_BODY: Final[dict[str, Any]] = {"requestBody": {
    "required": True,
    "description": "The demand history (docs/backtest.md): date,item,site,qty[,hour|slot,promo,lead_time_days,"
                   "unit_cost,unit_price,moq,pack_size,…] with a header row; UTF-8 (BOM fine) or GB18030; "
                   "at most 5 MiB.",
    "content": {"text/csv": {"schema": {"type": "string"}}},
}}
CSV_FILE: Final[dict[int | str, dict[str, Any]]] = {200: {
    "description": "A demo demand history in the backtest's CSV format",
    "content": {"text/csv": {"schema": {"type": "string"}}}}}
RESULT: Final[dict[int | str, dict[str, Any]]] = {200: {
    "description": "What `jxc backtest --json` writes (source, config, policies, comparison, items …) and "
                   "`series`: dates, per policy the daily inventory value and 28-day rolling fill rate, and "
                   "the top item's demand and stock on hand",
    "content": {"application/json": {"schema": {"type": "object"}}}}}


class _TooLarge(JxcError):
    http_status = 413


def decode_csv(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030 (what Excel on a Chinese Windows writes)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("field.invalid", field="csv", value="…", reason="CSV in UTF-8 or GB18030")


def _settings(targets: str | None, values: dict[str, Any]) -> BacktestConfig:
    changes = {k: v for k, v in values.items() if v is not None}
    if targets is not None:
        changes["targets"] = parse_targets(targets)
    return config_from_mapping(changes)


def _json_safe(value: Any) -> Any:
    """NaN and infinities (not JSON) as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _run(text: str, config: BacktestConfig) -> dict[str, Any]:
    data = parse_demand_csv(io.StringIO(text, newline=""), source="upload")
    result = run_backtest(data, config)
    body = result_dict(result)
    body["series"] = chart_series(result)
    return _json_safe(body)  # type: ignore[no-any-return]


@router.post("/replenishment/backtests", responses=RESULT, openapi_extra=CSV_BODY)
async def run_backtest_csv(
    request: Request,
    principal: Reader,
    targets: Annotated[str | None, Query(
        max_length=100, description="Fill-rate targets by ABC class, e.g. A=0.992,B=0.98,C=0.95")] = None,
    review_days: Annotated[int | None, Query(ge=1, le=365, description="Dynamic policy's review period "
                                                                       "(default 1)")] = None,
    static_review_days: Annotated[int | None, Query(ge=1, le=365, description="Static policy's review "
                                                                              "period (default 7)")] = None,
    static_buffer_days: Annotated[float | None, Query(ge=0, le=365, description="Static safety stock in days "
                                                                               "of mean demand (default 7)")] = None,
    warmup_days: Annotated[int | None, Query(ge=1, le=3650, description="History days before the simulation "
                                                                        "starts (default 91)")] = None,
    seed: Annotated[int | None, Query(ge=0, le=2**31 - 1, description="Seed of the simulated lead times "
                                                                      "(default 7)")] = None,
) -> JSONResponse:
    """Backtest 补货回测: jxc's dynamic replenishment against the static rule on an uploaded demand history.

    Fill rate (overall, by ABC class), average inventory value, turnover, stock-out days, holding cost
    as a share of gross margin and orders placed, for the dynamic policy, the static rule and the
    static rule matched to the dynamic policy's fill rate; ``comparison.inventory_reduction_at_matched_fill``
    is the headline. Takes seconds to a minute, by the file's size."""
    config = _settings(targets, {"dynamic_review_days": review_days, "static_review_days": static_review_days,
                                 "static_buffer_days": static_buffer_days, "warmup_days": warmup_days,
                                 "seed": seed})
    data = await request.body()
    if len(data) > MAX_CSV_BYTES:
        raise _TooLarge("http.too_large", limit=MAX_CSV_BYTES)
    text = decode_csv(data)
    body = await anyio.to_thread.run_sync(_run, text, config, limiter=_RUNNING)
    return JSONResponse(body)


@lru_cache(maxsize=1)
def sample_csv() -> str:
    """Half a year of seeded demo demand for five item-sites of one store (UTF-8, header row)."""
    rows = [r for r in demo_rows(seed=7, start=date(2024, 1, 1), days=SAMPLE_DAYS, sites=(("SH-01", 1.0),))
            if r["item"] in SAMPLE_ITEMS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@router.get("/replenishment/backtests/sample.csv", response_class=Response, responses=CSV_FILE,
            dependencies=[Depends(requires("replenishment.read"))])
def download_sample() -> Response:
    """A demo demand history (five item-sites, half a year) in the backtest's CSV format."""
    return Response(sample_csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="jxc-backtest-sample.csv"'})
