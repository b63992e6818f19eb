"""Org model: organisations (legal entities), sites, bins, projects, and geography.

Pure: imports only the standard library and ``jxc.kernel``. Invariants, enforced by the
``new_*`` factories (the only sanctioned way to build these from input):

- codes are trimmed, 1–64 characters, with no whitespace inside; names are non-empty.
- A *real* site (warehouse, store, channel) belongs to an organisation, has a latitude in
  −90..90 and a longitude in −180..180 (rounded to 6 places, ≈ 0.1 m), a valid IANA time
  zone, and no virtual role. Only channel sites name a sales ``channel`` ("tmall").
- A *virtual* site stands for an outside party in double-entry stock movements (supplier,
  customer, adjustment, production, transit loss): exactly one per :class:`VirtualRole`,
  with the fixed code from :data:`VIRTUAL_SITE_CODES`, no organisation, and it may always
  go negative (it is the other side of every receipt and issue).
- A bin belongs to a real site; its position x, y, z is in metres.
- A project (work-site number) belongs to an organisation and starts open.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum
from typing import Final, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jxc.kernel.errors import InvalidInput
from jxc.kernel.events import DomainEvent
from jxc.kernel.ids import new_id
from jxc.kernel.quantity import parse_quantity
from jxc.kernel.text import business_code, optional_text, required_text

CODE_MAX = 64
NAME_MAX = 200
DEFAULT_TIMEZONE = "Asia/Shanghai"
EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
_COORDINATE_QUANTUM = Decimal("0.000001")

E = TypeVar("E", bound=StrEnum)


class Relation(StrEnum):
    """How an organisation relates to the group running jxc."""

    DIRECT = "direct"
    FRANCHISE = "franchise"
    THIRD_PARTY = "third_party"
    CONSIGNMENT = "consignment"


class SiteKind(StrEnum):
    WAREHOUSE = "warehouse"
    STORE = "store"
    CHANNEL = "channel"
    VIRTUAL = "virtual"


class VirtualRole(StrEnum):
    """The outside party a virtual site stands for."""

    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    ADJUSTMENT = "adjustment"
    PRODUCTION = "production"
    TRANSIT_LOSS = "transit_loss"


VIRTUAL_PREFIX = "@"  # only virtual sites' codes start with it, so they can never clash with real ones
VIRTUAL_SITE_CODES: Final[dict[VirtualRole, str]] = {
    VirtualRole.SUPPLIER: "@supplier",
    VirtualRole.CUSTOMER: "@customer",
    VirtualRole.ADJUSTMENT: "@adjustment",
    VirtualRole.PRODUCTION: "@production",
    VirtualRole.TRANSIT_LOSS: "@transit-loss",
}

_VIRTUAL_NAMES: Final[dict[VirtualRole, tuple[str, str]]] = {
    VirtualRole.SUPPLIER: ("供应商", "Suppliers"),
    VirtualRole.CUSTOMER: ("客户", "Customers"),
    VirtualRole.ADJUSTMENT: ("库存调整", "Adjustments"),
    VirtualRole.PRODUCTION: ("生产", "Production"),
    VirtualRole.TRANSIT_LOSS: ("在途损耗", "Transit loss"),
}


class ProjectStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Organisation:
    """A legal entity in the network; ``parent_code`` names the organisation it reports to."""

    id: UUID
    code: str
    name_zh: str
    name_en: str
    relation: Relation
    parent_code: str | None
    attributes: dict[str, str]

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass(frozen=True)
class Site:
    """A place stock can be: a warehouse, store or sales channel — or a virtual outside party."""

    id: UUID
    code: str
    name_zh: str
    name_en: str
    kind: SiteKind
    organisation_id: UUID | None
    region: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    timezone: str
    allow_negative: bool
    virtual_role: VirtualRole | None
    channel: str | None

    @property
    def is_virtual(self) -> bool:
        return self.kind is SiteKind.VIRTUAL

    def distance_km(self, other: Site) -> float | None:
        """Great-circle distance to ``other``; ``None`` if either has no coordinates."""
        if (
            self.latitude is None
            or self.longitude is None
            or other.latitude is None
            or other.longitude is None
        ):
            return None
        return haversine_km(self.latitude, self.longitude, other.latitude, other.longitude)


@dataclass(frozen=True)
class Bin:
    """A storage location inside a site; x, y, z in metres from the site's origin."""

    id: UUID
    site_id: UUID
    code: str
    x: Decimal
    y: Decimal
    z: Decimal
    zone: str | None

    def distance_m(self, x: Decimal, y: Decimal, z: Decimal) -> Decimal:
        """Straight-line distance from this bin to a point (e.g. where a put-away was scanned)."""
        return ((self.x - x) ** 2 + (self.y - y) ** 2 + (self.z - z) ** 2).sqrt()


@dataclass(frozen=True)
class BinSpec:
    """Unvalidated input for one bin of a bulk load."""

    code: str
    x: Decimal | int | str
    y: Decimal | int | str
    z: Decimal | int | str
    zone: str | None = None


@dataclass(frozen=True)
class Project:
    """A project or work-site number whose stock is kept apart from other projects'."""

    id: UUID
    code: str
    name: str
    organisation_id: UUID
    site_id: UUID | None
    status: ProjectStatus

    def close(self) -> Project:
        """The same project, closed (closing twice is harmless)."""
        return replace(self, status=ProjectStatus.CLOSED)


@dataclass(frozen=True)
class OrganisationRegistered(DomainEvent):
    organisation_id: UUID
    code: str


@dataclass(frozen=True)
class SiteRegistered(DomainEvent):
    site_id: UUID
    code: str
    kind: SiteKind


@dataclass(frozen=True)
class ProjectRegistered(DomainEvent):
    project_id: UUID
    code: str


# --- factories ------------------------------------------------------------------------------


def new_organisation(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    relation: str | Relation,
    parent_code: str | None = None,
    attributes: Mapping[str, str] | None = None,
    organisation_id: UUID | None = None,
) -> Organisation:
    """Validate raw input into an :class:`Organisation` (the parent's existence is the service's job)."""
    checked_code = validate_code(code, field="code")
    parent = validate_code(parent_code, field="parent_code") if parent_code else None
    if parent == checked_code:
        raise InvalidInput(
            "field.invalid", field="parent_code", value=parent, reason="an organisation's own code"
        )
    return Organisation(
        id=organisation_id or new_id(),
        code=checked_code,
        name_zh=_text(name_zh, field="name_zh"),
        name_en=_text(name_en, field="name_en"),
        relation=parse_enum(Relation, relation, field="relation"),
        parent_code=parent,
        attributes=_attributes(attributes),
    )


def new_site(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    kind: str | SiteKind,
    organisation_id: UUID | None,
    latitude: object,
    longitude: object,
    region: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    allow_negative: bool = False,
    channel: str | None = None,
    site_id: UUID | None = None,
) -> Site:
    """Validate raw input into a real (non-virtual) :class:`Site`; see :func:`virtual_site` for the others."""
    checked_kind = parse_enum(SiteKind, kind, field="kind")
    if checked_kind is SiteKind.VIRTUAL:
        raise InvalidInput(
            "site.virtual_mismatch", field="kind", value=code, reason="virtual sites are built in"
        )
    if organisation_id is None:
        raise InvalidInput("field.required", field="organisation")
    checked_code = validate_code(code, field="code")
    if checked_code.startswith(VIRTUAL_PREFIX):
        raise InvalidInput(
            "field.invalid", field="code", value=checked_code, reason=f"'{VIRTUAL_PREFIX}' codes are reserved"
        )
    checked_channel = _optional_text(channel, field="channel")
    if checked_channel is not None and checked_kind is not SiteKind.CHANNEL:
        raise InvalidInput(
            "field.invalid",
            field="channel",
            value=checked_channel,
            reason=f"only channel sites, not {checked_kind}",
        )
    return Site(
        id=site_id or new_id(),
        code=checked_code,
        name_zh=_text(name_zh, field="name_zh"),
        name_en=_text(name_en, field="name_en"),
        kind=checked_kind,
        organisation_id=organisation_id,
        region=_optional_text(region, field="region"),
        latitude=_coordinate(latitude, field="latitude", bound=90),
        longitude=_coordinate(longitude, field="longitude", bound=180),
        timezone=validate_timezone(timezone),
        allow_negative=bool(allow_negative),
        virtual_role=None,
        channel=checked_channel.lower() if checked_channel else None,
    )


def virtual_site(role: VirtualRole, *, site_id: UUID | None = None) -> Site:
    """The virtual site standing for ``role`` (always allowed negative, no organisation)."""
    name_zh, name_en = _VIRTUAL_NAMES[role]
    return Site(
        id=site_id or new_id(),
        code=VIRTUAL_SITE_CODES[role],
        name_zh=name_zh,
        name_en=name_en,
        kind=SiteKind.VIRTUAL,
        organisation_id=None,
        region=None,
        latitude=None,
        longitude=None,
        timezone=DEFAULT_TIMEZONE,
        allow_negative=True,
        virtual_role=role,
        channel=None,
    )


def new_bin(
    *,
    site: Site,
    code: str,
    x: object,
    y: object,
    z: object,
    zone: str | None = None,
    bin_id: UUID | None = None,
) -> Bin:
    """Validate raw input into a :class:`Bin` of ``site`` (virtual sites have no bins)."""
    if site.is_virtual:
        raise InvalidInput(
            "site.virtual_mismatch", field="site", value=site.code, reason="virtual sites have no bins"
        )
    return Bin(
        id=bin_id or new_id(),
        site_id=site.id,
        code=validate_code(code, field="code"),
        x=parse_quantity(x, field="x"),
        y=parse_quantity(y, field="y"),
        z=parse_quantity(z, field="z"),
        zone=_optional_text(zone, field="zone"),
    )


def new_project(
    *, code: str, name: str, organisation_id: UUID, site: Site | None = None, project_id: UUID | None = None
) -> Project:
    """Validate raw input into an open :class:`Project`; its site, if any, must be real."""
    if site is not None and site.is_virtual:
        raise InvalidInput(
            "site.virtual_mismatch", field="site", value=site.code, reason="projects need a real site"
        )
    return Project(
        id=project_id or new_id(),
        code=validate_code(code, field="code"),
        name=_text(name, field="name"),
        organisation_id=organisation_id,
        site_id=site.id if site is not None else None,
        status=ProjectStatus.OPEN,
    )


# --- geography ------------------------------------------------------------------------------


def haversine_km(
    lat1: float | Decimal, lon1: float | Decimal, lat2: float | Decimal, lon2: float | Decimal
) -> float:
    """Great-circle distance in km on a spherical Earth (error < 0.5 %, fine for radius scopes)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    # min() guards against a hair above 1.0 from rounding at antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def validate_timezone(name: object) -> str:
    """An IANA time-zone name the standard library knows, or ``InvalidInput("timezone.unknown")``."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("field.required", field="timezone")
    key = name.strip()
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        # ValueError: malformed keys such as "../x"; not-found: well-formed but unknown.
        raise InvalidInput("timezone.unknown", field="timezone", value=key) from None
    return key


# --- validation helpers ---------------------------------------------------------------------


def validate_code(value: object, *, field: str) -> str:
    """A business code: see :func:`jxc.kernel.text.business_code`."""
    return business_code(value, field=field)


def _text(value: object, *, field: str, limit: int = NAME_MAX) -> str:
    return required_text(value, field=field, limit=limit)


def _optional_text(value: object, *, field: str, limit: int = CODE_MAX) -> str | None:
    return optional_text(value, field=field, limit=limit)


def _coordinate(value: object, *, field: str, bound: int) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput("field.required", field=field)
    if isinstance(value, bool):
        raise InvalidInput("field.invalid", field=field, value=str(value), reason="not a number")
    try:
        # repr() keeps a float's shortest text (31.23, not 31.2299999...).
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput("field.invalid", field=field, value=str(value), reason="not a number") from None
    if not number.is_finite() or not -bound <= number <= bound:
        raise InvalidInput("field.invalid", field=field, value=str(value), reason=f"must be within ±{bound}")
    # Coordinates are measurements, not ledger quantities: rounding to ~0.1 m is harmless.
    return number.quantize(_COORDINATE_QUANTUM, rounding=ROUND_HALF_EVEN).normalize()


def _attributes(attributes: Mapping[str, str] | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for key, value in (attributes or {}).items():
        checked_key = _text(key, field="attributes", limit=CODE_MAX)
        if not isinstance(value, str):
            raise InvalidInput(
                "field.invalid", field="attributes", value=f"{checked_key}={value!r}", reason="not text"
            )
        result[checked_key] = value
    return result


def parse_enum(enum: type[E], value: object, *, field: str) -> E:
    """``value`` as a member of ``enum`` or ``InvalidInput("field.invalid")`` listing the choices."""
    try:
        return enum(str(value).strip())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidInput(
            "field.invalid", field=field, value=str(value), reason=f"one of {allowed}"
        ) from None
