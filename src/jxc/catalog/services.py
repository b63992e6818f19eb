"""Catalog use cases: register and look up items, units, barcodes, suppliers and customers.

Each function takes the unit of work first and keyword-only arguments after. Write use cases
commit themselves; if they raise, nothing they did is kept (the unit of work rolls back).

Invariants:
- every barcode is validated and normalised by :mod:`jxc.catalog.barcodes` before an item is
  built, so the model only ever sees canonical GTINs;
- a duplicate sku, barcode or partner code is refused with a ``Conflict`` naming the field —
  checked up front for a clear message, and again by the database's unique keys, whose
  violation (a concurrent writer) is translated into the same ``Conflict``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import NoReturn, TypeVar, Unpack
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from jxc.catalog import barcodes as gtin
from jxc.catalog.model import (
    Customer,
    CustomerRegistered,
    Item,
    ItemRegistered,
    ItemSpec,
    Partner,
    PartnerFields,
    Supplier,
    SupplierRegistered,
    new_customer,
    new_supplier,
)
from jxc.catalog.repository import CustomerRepository, ItemRepository, PartnerRepository, SupplierRepository
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "ItemSpec",
    "add_barcode",
    "add_unit",
    "find_by_barcode",
    "get_customer",
    "get_item",
    "get_supplier",
    "items_by_id",
    "items_by_sku",
    "list_customers",
    "list_items",
    "list_suppliers",
    "register_customer",
    "register_item",
    "register_items",
    "register_supplier",
]

MAX_PAGE = 1000
P = TypeVar("P", bound=Partner)


# --- items ----------------------------------------------------------------------------------


def register_item(
    uow: SqlUnitOfWork,
    *,
    sku: str,
    name_zh: str,
    name_en: str,
    category: str,
    base_unit: str,
    units: Mapping[str, Decimal | int | str] | None = None,
    barcodes: Iterable[str] = (),
    tracking: str = "none",
    shelf_life_days: int | None = None,
    storage_min_c: Decimal | int | str | None = None,
    storage_max_c: Decimal | int | str | None = None,
    abc_class: str = "C",
    attributes: Mapping[str, str] | None = None,
    standard_cost: Decimal | int | str | None = None,
) -> Item:
    """Register one item; refuses a duplicate sku or barcode."""
    spec = ItemSpec(
        sku=sku,
        name_zh=name_zh,
        name_en=name_en,
        category=category,
        base_unit=base_unit,
        units=units,
        barcodes=tuple(barcodes),
        tracking=tracking,
        shelf_life_days=shelf_life_days,
        storage_min_c=storage_min_c,
        storage_max_c=storage_max_c,
        abc_class=abc_class,
        attributes=attributes,
        standard_cost=standard_cost,
    )
    (item,) = _insert_items(uow, [spec])
    uow.commit()
    return item


def register_items(uow: SqlUnitOfWork, specs: Sequence[ItemSpec]) -> int:
    """Register many items in one transaction (all or nothing); returns how many were added."""
    items = _insert_items(uow, specs)
    uow.commit()
    return len(items)


def get_item(uow: SqlUnitOfWork, sku: str) -> Item:
    """The item with ``sku`` or ``NotFound("item.not_found")``."""
    key = sku.strip()
    item = uow.repository(ItemRepository).by_skus([key]).get(key)
    if item is None:
        raise NotFound("item.not_found", field="sku", value=sku)
    return item


def items_by_sku(uow: SqlUnitOfWork, skus: Iterable[str]) -> dict[str, Item]:
    """The items among ``skus`` that exist, by sku (missing skus are simply absent)."""
    return uow.repository(ItemRepository).by_skus(skus)


def items_by_id(uow: SqlUnitOfWork, ids: Iterable[UUID]) -> dict[UUID, Item]:
    """The items among ``ids`` that exist, by id."""
    return uow.repository(ItemRepository).by_ids(ids)


def find_by_barcode(uow: SqlUnitOfWork, barcode: str) -> Item:
    """The item carrying ``barcode`` (any zero-padded GTIN form) or ``NotFound``."""
    repository = uow.repository(ItemRepository)
    item_id = repository.item_id_for_barcode(gtin.normalise(barcode))
    item = repository.by_ids([item_id]).get(item_id) if item_id is not None else None
    if item is None:
        raise NotFound("item.not_found", field="barcode", value=barcode)
    return item


def list_items(
    uow: SqlUnitOfWork, *, category: str | None = None, after_sku: str | None = None, limit: int = 100,
    text: str | None = None,
) -> list[Item]:
    """A page of items by sku; pass the last sku of a page as ``after_sku`` for the next one.

    ``text`` narrows to items whose sku or Chinese or English name contains it.
    """
    category = category.strip().strip("/") if category else None
    return uow.repository(ItemRepository).page(
        category=category or None, after_sku=after_sku, limit=_limit(limit), text=(text or "").strip() or None
    )


def add_unit(uow: SqlUnitOfWork, *, sku: str, unit: str, factor: Decimal | int | str) -> Item:
    """Let ``sku`` be counted in ``unit`` (1 unit = ``factor`` base units); same factor again is a no-op."""
    item = get_item(uow, sku)
    updated = item.with_unit(unit, factor)
    if updated is item:
        return item
    (new_unit,) = set(updated.units) - set(item.units)
    try:
        uow.repository(ItemRepository).add_unit(item.id, new_unit, updated.units[new_unit])
    except IntegrityError as exc:  # a concurrent writer added the same unit first
        raise Conflict("unit.duplicate", field="unit", value=new_unit, item=item.sku) from exc
    uow.commit()
    return updated


def add_barcode(uow: SqlUnitOfWork, *, sku: str, barcode: str) -> Item:
    """Attach ``barcode`` to ``sku``; refused if another item carries it, a no-op if this one does."""
    code = gtin.normalise(barcode)
    item = get_item(uow, sku)
    repository = uow.repository(ItemRepository)
    owner = repository.barcode_owners([code]).get(code)
    if owner == item.sku:
        return item
    if owner is not None:
        raise Conflict("barcode.duplicate", field="barcode", value=code, item=owner)
    updated = item.with_barcode(code)
    try:
        repository.add_barcode(item.id, code, position=len(item.barcodes))
    except IntegrityError as exc:
        raise Conflict("barcode.duplicate", field="barcode", value=code, item="?") from exc
    uow.commit()
    return updated


def _insert_items(uow: SqlUnitOfWork, specs: Sequence[ItemSpec]) -> list[Item]:
    """Validate, check uniqueness (within the batch and against the database), insert."""
    items = [replace(spec, barcodes=gtin.normalise_all(spec.barcodes)).build() for spec in specs]
    repeated_sku = _first_repeat(item.sku for item in items)
    if repeated_sku is not None:
        raise Conflict("item.duplicate", field="sku", value=repeated_sku)
    owners: dict[str, str] = {}
    for item in items:
        for code in item.barcodes:
            if code in owners:
                raise Conflict("barcode.duplicate", field="barcode", value=code, item=owners[code])
            owners[code] = item.sku
    repository = uow.repository(ItemRepository)
    existing = repository.existing_skus(item.sku for item in items)
    if existing:
        raise Conflict("item.duplicate", field="sku", value=min(existing))
    taken = repository.barcode_owners(owners)
    if taken:
        code = min(taken)
        raise Conflict("barcode.duplicate", field="barcode", value=code, item=taken[code])
    try:
        repository.add(items, created_at=uow.clock.now())
    except IntegrityError as exc:
        _raise_item_conflict(exc)
    for item in items:
        uow.record(ItemRegistered(item_id=item.id, sku=item.sku))
    return items


def _raise_item_conflict(exc: IntegrityError) -> NoReturn:
    # Reached only when a concurrent writer won the race after our up-front checks; the
    # constraint's table name (SQLite message, PostgreSQL constraint) tells which key clashed.
    if "cat_barcodes" in str(exc.orig):
        raise Conflict("barcode.duplicate", field="barcode", value="?", item="?") from exc
    raise Conflict("item.duplicate", field="sku", value="?") from exc


# --- suppliers and customers ----------------------------------------------------------------


def register_supplier(uow: SqlUnitOfWork, **fields: Unpack[PartnerFields]) -> Supplier:
    """Register a supplier; refuses a duplicate code."""
    supplier = new_supplier(**fields)
    _insert_partner(uow, uow.repository(SupplierRepository), supplier)
    uow.record(SupplierRegistered(supplier_id=supplier.id, code=supplier.code))
    uow.commit()
    return supplier


def register_customer(uow: SqlUnitOfWork, **fields: Unpack[PartnerFields]) -> Customer:
    """Register a customer; refuses a duplicate code."""
    customer = new_customer(**fields)
    _insert_partner(uow, uow.repository(CustomerRepository), customer)
    uow.record(CustomerRegistered(customer_id=customer.id, code=customer.code))
    uow.commit()
    return customer


def get_supplier(uow: SqlUnitOfWork, code: str) -> Supplier:
    """The supplier with ``code`` or ``NotFound("supplier.not_found")``."""
    found = uow.repository(SupplierRepository).by_codes([code.strip()]).get(code.strip())
    if found is None:
        raise NotFound("supplier.not_found", field="supplier", value=code)
    return found


def get_customer(uow: SqlUnitOfWork, code: str) -> Customer:
    """The customer with ``code`` or ``NotFound("customer.not_found")``."""
    found = uow.repository(CustomerRepository).by_codes([code.strip()]).get(code.strip())
    if found is None:
        raise NotFound("customer.not_found", field="customer", value=code)
    return found


def get_supplier_by_id(uow: SqlUnitOfWork, supplier_id: UUID) -> Supplier:
    found = uow.repository(SupplierRepository).by_ids([supplier_id]).get(supplier_id)
    if found is None:
        raise NotFound("supplier.not_found", field="supplier", value=str(supplier_id))
    return found


def get_customer_by_id(uow: SqlUnitOfWork, customer_id: UUID) -> Customer:
    found = uow.repository(CustomerRepository).by_ids([customer_id]).get(customer_id)
    if found is None:
        raise NotFound("customer.not_found", field="customer", value=str(customer_id))
    return found


def list_suppliers(
    uow: SqlUnitOfWork, *, region: str | None = None, after_code: str | None = None, limit: int = 100
) -> list[Supplier]:
    """A page of suppliers by code (keyset: pass the last code as ``after_code``)."""
    return uow.repository(SupplierRepository).page(region=region, after_code=after_code, limit=_limit(limit))


def list_customers(
    uow: SqlUnitOfWork, *, region: str | None = None, after_code: str | None = None, limit: int = 100
) -> list[Customer]:
    """A page of customers by code (keyset: pass the last code as ``after_code``)."""
    return uow.repository(CustomerRepository).page(region=region, after_code=after_code, limit=_limit(limit))


def _insert_partner(uow: SqlUnitOfWork, repository: PartnerRepository[P], partner: P) -> None:
    if repository.exists(partner.code):
        raise Conflict("partner.duplicate", field="code", value=partner.code)
    try:
        repository.add(partner, created_at=uow.clock.now())
    except IntegrityError as exc:
        raise Conflict("partner.duplicate", field="code", value=partner.code) from exc


# --- helpers --------------------------------------------------------------------------------


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("field.invalid", field="limit", value=str(limit), reason=f"1..{MAX_PAGE}")
    return limit


def _first_repeat(values: Iterable[str]) -> str | None:
    counts = Counter(values)
    repeats = [value for value, count in counts.items() if count > 1]
    return min(repeats) if repeats else None
