"""Row identifiers: UUIDv7, time-ordered so B-tree inserts stay append-mostly."""

from __future__ import annotations

import hashlib
import uuid

import uuid_utils


def new_id() -> uuid.UUID:
    """A fresh UUIDv7 as a standard-library ``uuid.UUID``."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def new_id_hex() -> str:
    """A fresh UUIDv7 as 32 hex digits (the storage form; the bulk path skips the UUID object)."""
    return uuid_utils.uuid7().hex


_NAMESPACE = b"jxc.stable-id.v1"


def _part(value: object) -> bytes:
    if value is None:
        return b""
    if isinstance(value, uuid.UUID):
        return value.bytes
    return str(value).encode()


def stable_id(*parts: object) -> uuid.UUID:
    """A deterministic 128-bit id for a natural key, e.g. a stock bucket's dimensions.

    Deterministic ids let writers upsert projections without first looking the key up.
    BLAKE2b over the parts' bytes: the same parts always give the same id, in every process.
    """
    digest = hashlib.blake2b(b"\x1f".join(map(_part, parts)), digest_size=16, key=_NAMESPACE).digest()
    return uuid.UUID(bytes=digest)
