"""Column types that keep the kernel's conventions in the database.

- ``Qty``: Decimal stored as a scaled BIGINT (``QTY_SCALE`` places) so SQL sums are exact on
  SQLite too (SQLite has no decimal type and SQLAlchemy's Numeric would go through float).
- ``UtcDateTime``: refuses naive datetimes, stores UTC, returns aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

from jxc.kernel.quantity import QTY_SCALE, from_minor


class Qty(TypeDecorator[Decimal]):
    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled: int = value * 10**QTY_SCALE if isinstance(value, int) else int(Decimal(value).scaleb(QTY_SCALE))
        return scaled

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_minor(int(value))


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("naive datetime reached the database layer")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if not isinstance(value, datetime):
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
