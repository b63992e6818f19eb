"""Shared building blocks every context may use: ids, quantities, errors, clock, events.

Invariant: this package imports only the standard library (and ``uuid_utils`` for
fast UUIDv7), so every pure ``model`` module can depend on it.
"""

from jxc.kernel.errors import (
    Conflict,
    IdempotencyConflict,
    IllegalTransition,
    InsufficientStock,
    InvalidInput,
    JxcError,
    NotFound,
)
from jxc.kernel.ids import new_id
from jxc.kernel.quantity import QTY_SCALE, parse_quantity, positive_quantity

__all__ = [
    "QTY_SCALE",
    "Conflict",
    "IdempotencyConflict",
    "IllegalTransition",
    "InsufficientStock",
    "InvalidInput",
    "JxcError",
    "NotFound",
    "new_id",
    "parse_quantity",
    "positive_quantity",
]
