"""Row identifiers: UUIDv7, time-ordered so B-tree inserts stay append-mostly."""

from __future__ import annotations

import uuid

import uuid_utils


def new_id() -> uuid.UUID:
    """A fresh UUIDv7 as a standard-library ``uuid.UUID``."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


_BUCKET_NAMESPACE = uuid.UUID("6b1f5a3e-9d2c-4f7a-8a51-2c1f0e6d9b10")


def stable_id(*parts: object) -> uuid.UUID:
    """A deterministic id (UUIDv5) for a natural key, e.g. a stock bucket's dimensions.

    Deterministic ids let writers upsert projections without first looking the key up.
    """
    key = "\x1f".join("" if p is None else str(p) for p in parts)
    return uuid.uuid5(_BUCKET_NAMESPACE, key)
