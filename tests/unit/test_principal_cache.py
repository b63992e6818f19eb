"""The API's principal cache never outlives a token, and forgets within its time-to-live."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from jxc.access.model import Principal, Role
from jxc.api.deps import PrincipalCache

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
WHO = Principal(subject="user:alice", roles=frozenset({Role.FINANCE}))


def test_a_cached_token_is_refused_once_it_expires() -> None:
    cache = PrincipalCache(ttl=60)
    cache.put("t", WHO, expires=NOW + timedelta(minutes=1))
    assert cache.get("t", now=NOW) == WHO
    assert cache.get("t", now=NOW + timedelta(minutes=1)) is None


def test_entries_are_forgotten_after_the_time_to_live() -> None:
    cache = PrincipalCache(ttl=0.01)
    cache.put("k", WHO, expires=None)
    time.sleep(0.02)
    assert cache.get("k", now=NOW) is None
