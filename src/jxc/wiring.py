"""Adapters that let the ledger read the catalog and the organisation model through their
services (never their tables), with a small time-bounded cache.

Item and site facts the ledger uses (tracking mode, base unit, site organisation, virtual
flag) change rarely; caching them for a few seconds keeps the till path to a handful of
statements. Codes are re-read after ``ttl`` seconds, and a miss always goes to the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Hashable
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from jxc.catalog import services as catalog
from jxc.inventory.model import ItemFacts, SiteFacts, Tracking
from jxc.org import services as org

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _TtlCache:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._data: dict[Hashable, tuple[float, Any]] = {}

    def get_many(self, keys: Collection[K], load: Callable[[list[K]], dict[K, V]]) -> dict[K, V]:
        now = time.monotonic()
        found: dict[K, V] = {}
        missing: list[K] = []
        for key in keys:
            hit = self._data.get(key)
            if hit is not None and hit[0] > now:
                found[key] = hit[1]
            else:
                missing.append(key)
        if missing:
            loaded = load(missing)
            for key, value in loaded.items():
                self._data[key] = (now + self.ttl, value)
            found.update(loaded)
        return found

    def clear(self) -> None:
        self._data.clear()


def _item_facts(item: Any) -> ItemFacts:
    return ItemFacts(
        id=item.id, sku=item.sku, base_unit=item.base_unit, tracking=Tracking(str(item.tracking)),
        shelf_life_days=item.shelf_life_days,
    )


def _site_facts(site: Any) -> SiteFacts:
    return SiteFacts(
        id=site.id, code=site.code, organisation_id=site.organisation_id, region=site.region,
        is_virtual=site.is_virtual, allow_negative=site.allow_negative,
    )


class CatalogItemDirectory:
    def __init__(self, ttl: float = 30.0) -> None:
        self._by_sku = _TtlCache(ttl)
        self._by_id = _TtlCache(ttl)
        self._items = _TtlCache(ttl)

    def by_sku(self, uow: Any, skus: Collection[str]) -> dict[str, ItemFacts]:
        return self._by_sku.get_many(
            skus, lambda keys: {k: _item_facts(v) for k, v in catalog.items_by_sku(uow, keys).items()}
        )

    def by_id(self, uow: Any, ids: Collection[UUID]) -> dict[UUID, ItemFacts]:
        return self._by_id.get_many(
            ids, lambda keys: {k: _item_facts(v) for k, v in catalog.items_by_id(uow, keys).items()}
        )

    def to_base(self, uow: Any, *, sku: str, quantity: Decimal, unit: str) -> Decimal:
        item = self._items.get_many([sku], lambda keys: catalog.items_by_sku(uow, keys))[sku]
        return item.to_base(quantity, unit)

    def clear(self) -> None:
        for cache in (self._by_sku, self._by_id, self._items):
            cache.clear()


class OrgSiteDirectory:
    def __init__(self, ttl: float = 30.0) -> None:
        self._by_code = _TtlCache(ttl)
        self._by_id = _TtlCache(ttl)

    def by_code(self, uow: Any, codes: Collection[str]) -> dict[str, SiteFacts]:
        return self._by_code.get_many(
            codes, lambda keys: {k: _site_facts(v) for k, v in org.sites_by_code(uow, keys).items()}
        )

    def by_id(self, uow: Any, ids: Collection[UUID]) -> dict[UUID, SiteFacts]:
        return self._by_id.get_many(
            ids, lambda keys: {k: _site_facts(v) for k, v in org.sites_by_id(uow, keys).items()}
        )

    def bin_id(self, uow: Any, *, site_code: str, bin_code: str) -> UUID:
        return org.get_bin(uow, site_code=site_code, code=bin_code).id

    def bin_codes(self, uow: Any, ids: Collection[UUID]) -> dict[UUID, str]:
        return {k: v.code for k, v in org.bins_by_id(uow, list(ids)).items()} if ids else {}

    def project_id(self, uow: Any, code: str) -> UUID:
        return org.get_project(uow, code).id

    def project_codes(self, uow: Any, ids: Collection[UUID]) -> dict[UUID, str]:
        return {k: v.code for k, v in org.projects_by_id(uow, list(ids)).items()} if ids else {}

    def org_codes(self, uow: Any, ids: Collection[UUID]) -> dict[UUID, str]:
        return {k: v.code for k, v in org.organisations_by_id(uow, list(ids)).items()} if ids else {}

    def clear(self) -> None:
        self._by_code.clear()
        self._by_id.clear()
