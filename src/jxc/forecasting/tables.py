"""The latest forecast of every item-site planning looked at: its path with quantiles and its backtest
accuracy (a projection, replaced by each run that forecasts the series)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Numeric, PrimaryKeyConstraint, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from jxc.db.metadata import metadata
from jxc.db.types import UtcDateTime

_JSON = JSON().with_variant(JSONB(), "postgresql")

fc_forecasts = Table(
    "fc_forecasts",
    metadata,
    Column("item_id", Uuid, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("run_id", Uuid, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("method", String(120), nullable=False),
    Column("demand_class", String(20), nullable=False),
    # Accuracy statistics, not money or stock: plain numerics (NULL where a window had no demand).
    Column("mase", Numeric(12, 4), nullable=True),
    Column("bias", Numeric(12, 4), nullable=True),
    Column("pinball", Numeric(14, 4), nullable=True),
    Column("path", _JSON, nullable=False),  # [{ds, mean, q0.5, …, q0.995}] for the next days
    PrimaryKeyConstraint("item_id", "site_id"),
)
