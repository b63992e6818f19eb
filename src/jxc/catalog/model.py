"""Catalog model: items, units of measure and their conversions, suppliers and customers.

Pure: imports only the standard library and ``jxc.kernel``. Invariants every ``Item`` keeps
(enforced by :func:`new_item`, the only sanctioned way to build one from input):

- ``sku`` is trimmed, 1–64 characters, with no whitespace inside; names and category are
  non-empty; a category is a ``/``-separated path without empty segments ("生鲜/水果").
- ``base_unit`` and every unit in ``units`` are in :data:`KNOWN_UNITS` (codes are
  case-sensitive). ``units`` maps a unit to how many base units one of it holds: a positive
  ``Decimal`` with at most ``QTY_SCALE`` places. The base unit never appears in ``units``:
  it always converts with factor 1.
- ``barcodes`` are normalised GTIN strings (digits only, length 8/12/13/14, no repeats).
  Check digits are verified by the adapter :mod:`jxc.catalog.barcodes` before an item is
  built, because that needs a third-party library the model may not import.
- ``shelf_life_days`` is ``None`` (the item does not expire) or ≥ 1; when both storage
  bounds are given, ``storage_min_c`` ≤ ``storage_max_c``.

Suppliers and customers ("partners") share one shape: a unique code, a name, optional
contact details and region, and free attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal, localcontext
from enum import StrEnum
from typing import Final, Required, TypedDict, TypeVar, Unpack
from uuid import UUID

from jxc.kernel.errors import Conflict, InvalidInput
from jxc.kernel.events import DomainEvent
from jxc.kernel.ids import new_id
from jxc.kernel.quantity import QTY_QUANTUM, QTY_SCALE, fmt, parse_quantity, positive_quantity
from jxc.kernel.text import business_code, optional_text, required_text

CODE_MAX = 64
NAME_MAX = 200
CATEGORY_MAX = 200
ATTRIBUTE_KEY_MAX = 64

KNOWN_UNITS: Final[frozenset[str]] = frozenset(
    {
        # Chinese counting and packing units
        "支", "件", "个", "箱", "盒", "包", "袋", "瓶", "罐", "桶", "卷", "台", "套", "双", "把", "张", "片", "粒",
        # metric measures
        "kg", "g", "t", "L", "ml", "m", "cm", "m2", "m3",
        # English counting and packing units
        "pcs", "box", "case", "pack", "bottle", "roll", "set", "pair",
    }
)  # fmt: skip

_GTIN_LENGTHS: Final = frozenset({8, 12, 13, 14})

E = TypeVar("E", bound=StrEnum)
P = TypeVar("P", bound="Partner")


class TrackingMode(StrEnum):
    """How individual units are told apart in stock."""

    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


class AbcClass(StrEnum):
    """Pareto class by value: A items get the tightest service levels."""

    A = "A"
    B = "B"
    C = "C"


@dataclass(frozen=True)
class Item:
    """A stock-keeping unit. Build with :func:`new_item`; ``units`` and ``attributes`` are read-only."""

    id: UUID
    sku: str
    name_zh: str
    name_en: str
    category: str
    base_unit: str
    units: dict[str, Decimal]
    barcodes: tuple[str, ...]
    tracking: TrackingMode
    shelf_life_days: int | None
    storage_min_c: Decimal | None
    storage_max_c: Decimal | None
    abc_class: AbcClass
    attributes: dict[str, str]
    standard_cost: Decimal | None = None  # per base unit, in the company currency (CNY); masked by access rules

    # An entity is identified by its id; the dict fields would make the generated hash fail.
    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def expires(self) -> bool:
        """True when the item has a shelf life (its lots carry expiry dates)."""
        return self.shelf_life_days is not None

    @property
    def category_path(self) -> tuple[str, ...]:
        return tuple(self.category.split("/"))

    def factor(self, unit: str) -> Decimal:
        """Base units in one ``unit``; raises like :meth:`to_base` for units the item cannot use."""
        if unit == self.base_unit:
            return Decimal(1)
        found = self.units.get(unit)
        if found is None:
            if unit in KNOWN_UNITS:
                raise InvalidInput(
                    "unit.not_convertible", field="unit", value=unit, item=self.sku, base=self.base_unit
                )
            raise InvalidInput("unit.unknown", field="unit", value=unit)
        return found

    def to_base(self, qty: Decimal, unit: str) -> Decimal:
        """``qty`` of ``unit`` in base units, exact at ``QTY_SCALE`` places or refused (never rounded)."""
        qty = parse_quantity(qty, field="quantity")
        factor = self.factor(unit)
        if unit == self.base_unit:
            return qty
        with localcontext() as ctx:
            # Enough digits that the product, and its quantisation, are exact: no silent rounding.
            ctx.prec = len(qty.as_tuple().digits) + len(factor.as_tuple().digits) + QTY_SCALE + 2
            result = qty * factor
            exact = result.quantize(QTY_QUANTUM, rounding=ROUND_DOWN)
        if exact != result:
            raise InvalidInput(
                "unit.inexact", field="quantity", value=fmt(qty), unit=unit, base=self.base_unit
            )
        return result

    def with_unit(self, unit: str, factor: object) -> Item:
        """A copy that also converts ``unit``; re-adding the same factor is a no-op, another is refused."""
        checked_unit, checked_factor = _unit_factor(unit, factor, base_unit=self.base_unit)
        existing = self.units.get(checked_unit)
        if existing is not None:
            if existing == checked_factor:
                return self
            raise Conflict(
                "unit.duplicate",
                field="unit",
                value=checked_unit,
                item=self.sku,
                factor=fmt(existing),
                base=self.base_unit,
            )
        return replace(self, units={**self.units, checked_unit: checked_factor})

    def with_barcode(self, barcode: str) -> Item:
        """A copy that also carries ``barcode`` (already normalised); a repeat is a no-op."""
        if barcode in self.barcodes:
            return self
        return replace(self, barcodes=(*self.barcodes, *_barcodes([barcode])))


@dataclass(frozen=True)
class ItemSpec:
    """Unvalidated input for one item, as a bulk import or a form delivers it."""

    sku: str
    name_zh: str
    name_en: str
    category: str
    base_unit: str
    units: Mapping[str, Decimal | int | str] | None = None
    barcodes: tuple[str, ...] = ()
    tracking: str = "none"
    shelf_life_days: int | None = None
    storage_min_c: Decimal | int | str | None = None
    storage_max_c: Decimal | int | str | None = None
    abc_class: str = "C"
    attributes: Mapping[str, str] | None = None
    standard_cost: object = None

    def build(self, *, item_id: UUID | None = None) -> Item:
        """Validate and build the item (barcodes must already be normalised)."""
        return new_item(
            item_id=item_id,
            sku=self.sku,
            name_zh=self.name_zh,
            name_en=self.name_en,
            category=self.category,
            base_unit=self.base_unit,
            units=self.units,
            barcodes=self.barcodes,
            tracking=self.tracking,
            shelf_life_days=self.shelf_life_days,
            storage_min_c=self.storage_min_c,
            storage_max_c=self.storage_max_c,
            abc_class=self.abc_class,
            attributes=self.attributes,
            standard_cost=self.standard_cost,
        )


def new_item(
    *,
    sku: str,
    name_zh: str,
    name_en: str,
    category: str,
    base_unit: str,
    units: Mapping[str, object] | None = None,
    barcodes: Iterable[str] = (),
    tracking: str | TrackingMode = TrackingMode.NONE,
    shelf_life_days: int | None = None,
    storage_min_c: object = None,
    storage_max_c: object = None,
    abc_class: str | AbcClass = AbcClass.C,
    attributes: Mapping[str, str] | None = None,
    standard_cost: object = None,
    item_id: UUID | None = None,
) -> Item:
    """Validate raw input into an :class:`Item`, raising ``InvalidInput`` naming the bad field."""
    checked_sku = validate_code(sku, field="sku")
    checked_base = _text(base_unit, field="base_unit", limit=16)
    if checked_base not in KNOWN_UNITS:
        raise InvalidInput("unit.unknown", field="base_unit", value=checked_base)
    conversions: dict[str, Decimal] = {}
    for unit, factor in (units or {}).items():
        checked_unit, checked_factor = _unit_factor(unit, factor, base_unit=checked_base)
        if checked_unit != checked_base:  # the base unit's factor 1 is implicit
            conversions[checked_unit] = checked_factor
    minimum = _temperature(storage_min_c, field="storage_min_c")
    maximum = _temperature(storage_max_c, field="storage_max_c")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise InvalidInput("item.storage_range", field="storage_min_c", min=fmt(minimum), max=fmt(maximum))
    return Item(
        id=item_id or new_id(),
        sku=checked_sku,
        name_zh=_text(name_zh, field="name_zh", limit=NAME_MAX),
        name_en=_text(name_en, field="name_en", limit=NAME_MAX),
        category=_category(category),
        base_unit=checked_base,
        units=conversions,
        barcodes=_barcodes(barcodes),
        tracking=_choice(TrackingMode, tracking, field="tracking"),
        shelf_life_days=_shelf_life(shelf_life_days),
        storage_min_c=minimum,
        storage_max_c=maximum,
        abc_class=_choice(AbcClass, str(abc_class).strip().upper(), field="abc_class"),
        attributes=validate_attributes(attributes),
        standard_cost=_cost(standard_cost),
    )


def _cost(value: object) -> Decimal | None:
    """A standard cost: a non-negative Decimal with at most 6 places, or none."""
    if value is None or value == "":
        return None
    cost = parse_quantity(value, field="standard_cost")
    if cost < 0:
        raise InvalidInput("field.invalid", field="standard_cost", value=str(value), reason="must not be negative")
    return cost


@dataclass(frozen=True)
class Partner:
    """Shared shape of suppliers and customers."""

    id: UUID
    code: str
    name: str
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    region: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.id)


# eq=False: inherit Partner's __eq__ (which also compares the class) and its id-based __hash__.
@dataclass(frozen=True, eq=False)
class Supplier(Partner):
    """Someone we buy from."""


@dataclass(frozen=True, eq=False)
class Customer(Partner):
    """Someone we sell to."""


class PartnerFields(TypedDict, total=False):
    """What a supplier or customer is registered with (one field set for both)."""

    code: Required[str]
    name: Required[str]
    contact_name: str | None
    phone: str | None
    email: str | None
    address: str | None
    region: str | None
    attributes: Mapping[str, str] | None


def new_supplier(*, supplier_id: UUID | None = None, **fields: Unpack[PartnerFields]) -> Supplier:
    """Validate raw input into a :class:`Supplier`."""
    return _new_partner(Supplier, supplier_id, fields)


def new_customer(*, customer_id: UUID | None = None, **fields: Unpack[PartnerFields]) -> Customer:
    """Validate raw input into a :class:`Customer`."""
    return _new_partner(Customer, customer_id, fields)


@dataclass(frozen=True)
class ItemRegistered(DomainEvent):
    item_id: UUID
    sku: str


@dataclass(frozen=True)
class SupplierRegistered(DomainEvent):
    supplier_id: UUID
    code: str


@dataclass(frozen=True)
class CustomerRegistered(DomainEvent):
    customer_id: UUID
    code: str


# --- validation helpers -------------------------------------------------------------------


def validate_code(value: object, *, field: str) -> str:
    """A business code: see :func:`jxc.kernel.text.business_code`."""
    return business_code(value, field=field)


def validate_attributes(attributes: Mapping[str, str] | None, *, field: str = "attributes") -> dict[str, str]:
    """Free attributes: non-empty trimmed string keys (≤64 characters) to string values."""
    result: dict[str, str] = {}
    for key, value in (attributes or {}).items():
        checked_key = _text(key, field=field, limit=ATTRIBUTE_KEY_MAX)
        if not isinstance(value, str):
            raise InvalidInput(
                "field.invalid", field=field, value=f"{checked_key}={value!r}", reason="not text"
            )
        result[checked_key] = value
    return result


def _text(value: object, *, field: str, limit: int) -> str:
    return required_text(value, field=field, limit=limit)


def _optional_text(value: object, *, field: str, limit: int = NAME_MAX) -> str | None:
    return optional_text(value, field=field, limit=limit)


def _category(value: object) -> str:
    text = _text(value, field="category", limit=CATEGORY_MAX)
    segments = [segment.strip() for segment in text.split("/")]
    if not all(segments):
        raise InvalidInput("field.invalid", field="category", value=text, reason="empty path segment")
    return "/".join(segments)


def _unit_factor(unit: object, factor: object, *, base_unit: str) -> tuple[str, Decimal]:
    checked_unit = _text(unit, field="unit", limit=16)
    if checked_unit not in KNOWN_UNITS:
        raise InvalidInput("unit.unknown", field="unit", value=checked_unit)
    checked_factor = positive_quantity(factor, field="factor")
    if checked_unit == base_unit and checked_factor != 1:
        raise InvalidInput(
            "field.invalid", field="factor", value=fmt(checked_factor), reason=f"{base_unit} is the base unit"
        )
    return checked_unit, checked_factor


def _barcodes(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}  # ordered set: keep the caller's order, drop repeats
    for value in values:
        if not (
            isinstance(value, str) and value.isdigit() and value.isascii() and len(value) in _GTIN_LENGTHS
        ):
            raise InvalidInput(
                "barcode.invalid", field="barcode", value=str(value), reason="not a normalised GTIN"
            )
        seen[value] = None
    return tuple(seen)


def _shelf_life(value: object) -> int | None:
    if value is None:
        return None
    # bool is an int subclass; True days is a bug, not a shelf life.
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInput(
            "field.invalid", field="shelf_life_days", value=str(value), reason="must be ≥ 1 day"
        )
    return value


def _temperature(value: object, *, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_quantity(value, field=field)


def _choice(enum: type[E], value: object, *, field: str) -> E:
    try:
        return enum(str(value).strip())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidInput(
            "field.invalid", field=field, value=str(value), reason=f"one of {allowed}"
        ) from None


def _new_partner(cls: type[P], partner_id: UUID | None, fields: PartnerFields) -> P:
    checked_email = _optional_text(fields.get("email"), field="email", limit=254)
    if checked_email is not None and ("@" not in checked_email or any(ch.isspace() for ch in checked_email)):
        raise InvalidInput(
            "field.invalid", field="email", value=checked_email, reason="not an e-mail address"
        )
    return cls(
        id=partner_id or new_id(),
        code=validate_code(fields["code"], field="code"),
        name=_text(fields["name"], field="name", limit=NAME_MAX),
        contact_name=_optional_text(fields.get("contact_name"), field="contact_name"),
        phone=_optional_text(fields.get("phone"), field="phone", limit=40),
        email=checked_email,
        address=_optional_text(fields.get("address"), field="address", limit=400),
        region=_optional_text(fields.get("region"), field="region", limit=64),
        attributes=validate_attributes(fields.get("attributes")),
    )
