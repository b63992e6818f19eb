"""Access model: roles, scopes, principals, the policy (actions, movement rules, field rules),
users, API keys, login throttling and audit entries.

Pure: imports only the standard library and ``jxc.kernel``. Invariants:

- A :class:`Policy` is built from the policy file by :mod:`jxc.access.policy`, which refuses
  anything it does not understand (unknown role, action, rule or key) with
  ``InvalidInput("config.invalid")`` naming the offending key, and requires every
  :class:`Role` to be declared — a typo never silently widens or narrows access.
- Permissions of a principal with several roles are the union of its roles' permissions;
  a field's visibility is the most permissive of its roles' rules (show > mask > hide).
- A :class:`Scope` is a conjunction: organisation set ∩ region ∩ radius around the home
  site ∩ bound site. ``None`` parts do not restrict. A radius without home coordinates
  admits nothing (fails closed). Virtual sites are never *in* a scope; postings may touch
  them only as counterparties the role's movement rules name.
- Masking never mutates its input; it returns new dicts and lists.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final, Protocol
from uuid import UUID

from jxc.kernel.errors import Forbidden, InvalidInput
from jxc.kernel.ids import new_id

# --- roles and actions ----------------------------------------------------------------------


class Role(StrEnum):
    PURCHASING_DIRECTOR = "purchasing_director"
    REGIONAL_MANAGER = "regional_manager"
    WAREHOUSE_KEEPER = "warehouse_keeper"
    STORE_CLERK = "store_clerk"
    FINANCE = "finance"
    AUDITOR = "auditor"
    DEVICE = "device"

    @property
    def name_zh(self) -> str:
        return ROLE_NAMES_ZH[self]


ROLE_NAMES_ZH: Final[dict[Role, str]] = {
    Role.PURCHASING_DIRECTOR: "采购总监",
    Role.REGIONAL_MANAGER: "区域经理",
    Role.WAREHOUSE_KEEPER: "仓库管理员",
    Role.STORE_CLERK: "门店店员",
    Role.FINANCE: "财务",
    Role.AUDITOR: "审计",
    Role.DEVICE: "设备",
}

#: Every action the policy can grant. The API and CLI name one of these per operation.
ACTIONS: Final[frozenset[str]] = frozenset(
    {
        "item.read", "item.write",
        "partner.read", "partner.write",  # suppliers and customers
        "site.read", "site.write",  # organisations, sites, bins, projects
        "stock.read",  # balances, overview, ATP
        "movement.read", "movement.post",
        "reservation.read", "reservation.post",
        "audit.read",
        "user.read", "user.admin",
        "document.read", "document.write",  # purchase, sales, transfer, stocktake documents
        "approval.decide",  # approve or reject the level of an approval request one may decide
        "voucher.read",  # vouchers (记账凭证) and their GL export
        "period.close",  # close and reopen accounting periods (结账 / 反结账)
        "signal.read", "signal.write",  # demand signals: sales events in, demand history out
        "replenishment.read",  # suggestions with their reasons, supplier comparison, surge alerts
        "replenishment.plan",  # run planning, approve suggestions into draft orders, supplier offers
        "rule.read",  # business rules: understand and show them (parse, render)
    }
)

#: Actions that move stock: their kinds and counterparties are checked like a posting's
#: (a document posts movements of its kind: a clerk may create sales, not purchase orders).
STOCK_ACTIONS: Final[frozenset[str]] = frozenset({"movement.post", "document.write"})

ANY: Final = "*"
MASK_TEXT: Final = "***"
LANGUAGES: Final[frozenset[str]] = frozenset({"zh-CN", "en"})


class FieldRule(StrEnum):
    SHOW = "show"
    MASK = "mask"  # value replaced by "***"
    HIDE = "hide"  # key removed


_OPENNESS: Final[dict[FieldRule, int]] = {FieldRule.HIDE: 0, FieldRule.MASK: 1, FieldRule.SHOW: 2}


# --- geography and scopes -------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0088  # the same mean radius jxc.org.model uses
Distance = Callable[[float, float, float, float], float]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (kept here so the model needs no other context)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class SiteLike(Protocol):
    """What a scope needs to know about a site (``organisation`` is the organisation's code)."""

    @property
    def code(self) -> str: ...
    @property
    def organisation(self) -> str | None: ...
    @property
    def region(self) -> str | None: ...
    @property
    def latitude(self) -> Decimal | None: ...
    @property
    def longitude(self) -> Decimal | None: ...
    @property
    def is_virtual(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class ScopeSite:
    """A plain :class:`SiteLike` (the services build these from the org context's sites)."""

    code: str
    organisation: str | None
    region: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    is_virtual: bool = False


@dataclass(frozen=True, slots=True)
class Scope:
    """Which real sites a principal may see and act on; each part narrows, ``None`` does not."""

    organisations: frozenset[str] | None = None
    region: str | None = None
    home_site: str | None = None
    home_latitude: Decimal | None = None
    home_longitude: Decimal | None = None
    radius_km: Decimal | None = None
    site: str | None = None  # a key bound to one site (every device key)

    @property
    def unrestricted(self) -> bool:
        return (
            self.organisations is None and self.region is None and self.radius_km is None and self.site is None
        )

    def admits(self, site: SiteLike, *, distance: Distance = haversine_km) -> bool:
        """Whether the real ``site`` is inside this scope (virtual sites never are)."""
        if site.is_virtual:
            return False
        if self.site is not None and site.code != self.site:
            return False
        if self.organisations is not None and site.organisation not in self.organisations:
            return False
        if self.region is not None and site.region != self.region:
            return False
        if self.radius_km is not None:
            if (
                self.home_latitude is None or self.home_longitude is None
                or site.latitude is None or site.longitude is None
            ):
                return False
            km = distance(
                float(self.home_latitude), float(self.home_longitude), float(site.latitude), float(site.longitude)
            )
            if km > float(self.radius_km):
                return False
        return True

    def narrowed_to_site(self, code: str) -> Scope:
        return replace(self, site=code)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: ``user:<name>`` or ``key:<uuid>``, their roles, scope and language."""

    subject: str
    roles: frozenset[Role]
    scope: Scope = field(default_factory=Scope)
    lang: str = "zh-CN"
    display_name: str | None = None
    device: str | None = None

    @property
    def username(self) -> str | None:
        kind, _, name = self.subject.partition(":")
        return name if kind == "user" else None


def sites_in_scope(
    principal: Principal, sites: Iterable[SiteLike], *, distance: Distance = haversine_km
) -> frozenset[str]:
    """Codes of the real ``sites`` inside the principal's scope."""
    return frozenset(s.code for s in sites if principal.scope.admits(s, distance=distance))


# --- the policy -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoleRules:
    """What one role may do. ``movement_kinds`` / ``counterparties`` may contain ``"*"``."""

    actions: frozenset[str]
    movement_kinds: frozenset[str] = frozenset()
    counterparties: frozenset[str] = frozenset()  # virtual site codes, e.g. "@customer"


@dataclass(frozen=True, slots=True)
class FieldRules:
    """One field's visibility per role; roles not named get ``default``."""

    default: FieldRule = FieldRule.SHOW
    by_role: Mapping[Role, FieldRule] = field(default_factory=dict)

    def for_roles(self, roles: Iterable[Role]) -> FieldRule:
        rules = [self.by_role.get(role, self.default) for role in roles]
        return max(rules, key=_OPENNESS.__getitem__) if rules else FieldRule.HIDE


@dataclass(frozen=True)
class Policy:
    """The access policy: per role actions and movement rules; per resource field rules."""

    roles: Mapping[Role, RoleRules]
    fields: Mapping[str, Mapping[str, FieldRules]]
    source: str = "<policy>"

    # -- actions -----------------------------------------------------------------------------

    def actions_of(self, principal: Principal) -> frozenset[str]:
        granted: set[str] = set()
        for role in principal.roles:
            granted |= self.roles[role].actions
        return frozenset(granted)

    def allows(self, principal: Principal, action: str) -> bool:
        """Whether any of the principal's roles grants ``action`` (an unknown action is a bug)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        return any(action in self.roles[role].actions for role in principal.roles)

    def require(self, principal: Principal, action: str) -> None:
        """Raise ``Forbidden("access.denied")`` unless the principal may do ``action``."""
        if not self.allows(principal, action):
            raise Forbidden("access.denied", subject=principal.subject, action=action)

    # -- postings ----------------------------------------------------------------------------

    def check_posting(
        self,
        principal: Principal,
        *,
        kind: str,
        site_codes: Iterable[str],
        sites: Mapping[str, SiteLike],
        action: str = "movement.post",
        distance: Distance = haversine_km,
    ) -> None:
        """Refuse a posting the principal may not make.

        The action must be granted; for :data:`STOCK_ACTIONS` (``movement.post``,
        ``document.write``) the kind must be one the granting roles list and every virtual site
        touched one of their counterparties. Every real site
        touched must be the key's bound site (if any) and inside the scope. ``sites`` maps the
        touched codes to their facts; a code missing from it is refused as out of scope.
        """
        self.require(principal, action)
        granting = [self.roles[r] for r in principal.roles if action in self.roles[r].actions]
        movement = action in STOCK_ACTIONS
        if movement and not any(ANY in r.movement_kinds or kind in r.movement_kinds for r in granting):
            raise Forbidden("access.kind_denied", field="kind", subject=principal.subject, kind=kind)
        scope = principal.scope
        for code in dict.fromkeys(site_codes):
            site = sites.get(code)
            if site is not None and site.is_virtual:
                if movement and not any(ANY in r.counterparties or code in r.counterparties for r in granting):
                    raise Forbidden("access.counterparty_denied", field="site", subject=principal.subject,
                                    value=code, kind=kind)
                continue
            if scope.site is not None and code != scope.site:
                raise Forbidden("access.site_bound", field="site", subject=principal.subject, value=code,
                                site=scope.site)
            if site is None or not scope.admits(site, distance=distance):
                raise Forbidden("access.out_of_scope", field="site", subject=principal.subject, value=code)

    # -- fields ------------------------------------------------------------------------------

    def field_rule(self, principal: Principal, resource: str, name: str) -> FieldRule:
        rules = self._resource(resource).get(name)
        return FieldRule.SHOW if rules is None else rules.for_roles(principal.roles)

    def mask(self, principal: Principal, resource: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``data`` with the resource's field rules applied at every depth.

        Nested dicts and lists (of dicts) are walked too, so a page ``{"items": [...]}`` or an
        export row is masked by the same call. Masked values become ``"***"``; hidden keys go.
        """
        return _apply_mapping(data, self._rules_for(principal, resource))

    def mask_rows(
        self, principal: Principal, resource: str, rows: Iterable[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """:meth:`mask` for each row of a table or export."""
        rules = self._rules_for(principal, resource)
        return [_apply_mapping(row, rules) for row in rows]

    def visible_columns(self, principal: Principal, resource: str, columns: Sequence[str]) -> list[str]:
        """``columns`` without the hidden ones (for CSV/Excel headers)."""
        return [c for c in columns if self.field_rule(principal, resource, c) is not FieldRule.HIDE]

    def _rules_for(self, principal: Principal, resource: str) -> dict[str, FieldRule]:
        return {name: r.for_roles(principal.roles) for name, r in self._resource(resource).items()}

    def _resource(self, resource: str) -> Mapping[str, FieldRules]:
        try:
            return self.fields[resource]
        except KeyError:
            # A typo here must not silently show costs: every serialised resource is declared.
            raise ValueError(f"resource {resource!r} is not declared in [fields] of {self.source}") from None


def _apply_mapping(data: Mapping[str, Any], rules: Mapping[str, FieldRule]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in data.items():
        rule = rules.get(key, FieldRule.SHOW)
        if rule is FieldRule.HIDE:
            continue
        result[key] = MASK_TEXT if rule is FieldRule.MASK else _apply_value(value, rules)
    return result


def _apply_value(value: object, rules: Mapping[str, FieldRule]) -> object:
    if isinstance(value, Mapping):
        return _apply_mapping(value, rules)
    if isinstance(value, (list, tuple)):
        return [_apply_value(item, rules) for item in value]
    return value


# --- users and keys -------------------------------------------------------------------------

USERNAME_MAX = 64
PASSWORD_MIN = 8
PASSWORD_MAX = 1024  # bounds the hashing cost of a hostile request


@dataclass(frozen=True, slots=True)
class User:
    id: UUID
    username: str
    display_name: str
    roles: frozenset[Role]
    organisations: frozenset[str] | None
    region: str | None
    home_site: str | None
    radius_km: Decimal | None
    lang: str
    enabled: bool = True

    @property
    def subject(self) -> str:
        return f"user:{self.username}"


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: UUID
    name: str
    role: Role
    site_code: str | None
    device_id: str | None
    user_id: UUID | None
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def subject(self) -> str:
        return f"key:{self.id}"


def normalise_username(value: object) -> str:
    """Trimmed, case-folded, 1–64 characters, no whitespace or ``:``."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("field.required", field="username")
    name = value.strip().casefold()
    if len(name) > USERNAME_MAX or any(ch.isspace() or ch == ":" for ch in name):
        raise InvalidInput(
            "field.invalid", field="username", value=name, reason=f"≤ {USERNAME_MAX} characters, no spaces or ':'"
        )
    return name


def check_password(password: object) -> str:
    """A password long enough to keep (the hash is the service's job)."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise InvalidInput("access.password_too_short", field="password", min=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise InvalidInput("field.invalid", field="password", value="…", reason=f"≤ {PASSWORD_MAX} characters")
    return password


def parse_roles(values: Iterable[str | Role], *, field: str = "roles") -> frozenset[Role]:
    """At least one known role."""
    roles: set[Role] = set()
    for value in values:
        try:
            roles.add(Role(str(value).strip()))
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise InvalidInput("field.invalid", field=field, value=str(value), reason=f"one of {allowed}") from None
    if not roles:
        raise InvalidInput("field.required", field=field)
    return frozenset(roles)


def _optional_code(value: str | None, *, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip()
    if len(code) > 64 or any(ch.isspace() for ch in code):
        raise InvalidInput("field.invalid", field=field, value=code, reason="≤ 64 characters, no spaces")
    return code


def new_user(
    *,
    username: str,
    display_name: str | None,
    roles: Iterable[str | Role],
    organisations: Iterable[str] | None = None,
    region: str | None = None,
    home_site: str | None = None,
    radius_km: object = None,
    lang: str = "zh-CN",
    user_id: UUID | None = None,
) -> User:
    """Validate raw input into a :class:`User` (that the sites and organisations exist is the service's job)."""
    name = normalise_username(username)
    shown = (display_name or "").strip() or name
    if len(shown) > 200:
        raise InvalidInput("field.invalid", field="display_name", value=shown[:20] + "…", reason="≤ 200 characters")
    if lang not in LANGUAGES:
        raise InvalidInput("field.invalid", field="lang", value=lang, reason="zh-CN or en")
    orgs = None
    if organisations is not None:
        orgs = frozenset(c for c in (_optional_code(o, field="organisations") for o in organisations) if c)
        orgs = orgs or None
    home = _optional_code(home_site, field="home_site")
    radius = _radius(radius_km)
    if radius is not None and home is None:
        raise InvalidInput("field.required", field="home_site")
    return User(
        id=user_id or new_id(), username=name, display_name=shown, roles=parse_roles(roles), organisations=orgs,
        region=_optional_code(region, field="region"), home_site=home, radius_km=radius, lang=lang,
    )


def _radius(value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        radius = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput("field.invalid", field="radius_km", value=str(value), reason="not a number") from None
    if not radius.is_finite() or radius <= 0 or radius > 20100:  # half the Earth's circumference
        raise InvalidInput("field.invalid", field="radius_km", value=str(value), reason="0 < km ≤ 20100")
    return radius


def user_scope(user: User, *, home: SiteLike | None) -> Scope:
    """The scope a user's settings describe; ``home`` is their home site's facts, if it exists."""
    return Scope(
        organisations=user.organisations, region=user.region, home_site=user.home_site,
        home_latitude=home.latitude if home is not None else None,
        home_longitude=home.longitude if home is not None else None,
        radius_km=user.radius_km,
    )


def new_api_key(
    *,
    name: str,
    role: str | Role,
    site_code: str | None,
    device_id: str | None,
    user: User | None,
    created_at: datetime,
    key_id: UUID | None = None,
) -> ApiKey:
    """Validate a key: a device key names its site; a key never holds a role its owner lacks."""
    label = (name or "").strip()
    if not label:
        raise InvalidInput("field.required", field="name")
    if len(label) > 200:
        raise InvalidInput("field.invalid", field="name", value=label[:20] + "…", reason="≤ 200 characters")
    (checked,) = parse_roles([role], field="role")
    site = _optional_code(site_code, field="site")
    if checked is Role.DEVICE and site is None:
        raise InvalidInput("field.required", field="site")
    if user is not None and checked not in user.roles:
        raise InvalidInput("access.role_not_held", field="role", value=checked.value, user=user.username)
    return ApiKey(
        id=key_id or new_id(), name=label, role=checked, site_code=site,
        device_id=_optional_code(device_id, field="device"), user_id=user.id if user else None,
        created_at=created_at,
    )


def key_principal(key: ApiKey, *, owner: User | None, owner_scope: Scope | None) -> Principal:
    """The principal an API key acts as: its one role, its owner's scope narrowed to its site."""
    scope = owner_scope if owner_scope is not None else Scope()
    if key.site_code is not None:
        scope = scope.narrowed_to_site(key.site_code)
    return Principal(
        subject=key.subject, roles=frozenset({key.role}), scope=scope,
        lang=owner.lang if owner else "zh-CN", display_name=key.name, device=key.device_id,
    )


# --- tokens, throttling, audit --------------------------------------------------------------

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=7)
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime
    token_type: str = "bearer"

    @property
    def expires_in(self) -> int:
        return int(ACCESS_TTL.total_seconds())


@dataclass(frozen=True, slots=True)
class Session:
    """A successful login or refresh: who, and the tokens to present next."""

    principal: Principal
    tokens: Tokens


def locked_until(
    failures: Sequence[datetime],
    *,
    now: datetime,
    limit: int = LOGIN_FAILURE_LIMIT,
    window: timedelta = LOGIN_FAILURE_WINDOW,
) -> datetime | None:
    """When logins may resume, or ``None`` if fewer than ``limit`` failures fall in the window.

    Refused while ``limit`` or more failures are younger than ``window``; that ends when the
    ``limit``-th most recent failure ages out.
    """
    recent = sorted((t for t in failures if t > now - window), reverse=True)
    if len(recent) < limit:
        return None
    return recent[limit - 1] + window


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # the policy or the rate limit said no
    FAILED = "failed"  # bad credentials or an error while doing it


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One append-only record: who did what to which resource, when, from where, and how it went."""

    id: UUID
    at: datetime
    actor: str
    action: str
    resource: str
    outcome: Outcome
    source_ip: str | None
    detail: Mapping[str, Any]


def new_audit_entry(
    *,
    at: datetime,
    actor: str,
    action: str,
    resource: str,
    outcome: str | Outcome,
    source_ip: str | None,
    detail: Mapping[str, Any] | None,
) -> AuditEntry:
    """Validate an audit record (texts bounded to their columns)."""
    for name, value, limit in (("actor", actor, 200), ("action", action, 100), ("resource", resource, 400)):
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput("field.required", field=name)
        if len(value) > limit:
            raise InvalidInput("field.invalid", field=name, value=value[:20] + "…", reason=f"≤ {limit} characters")
    try:
        checked = Outcome(outcome)
    except ValueError:
        raise InvalidInput("field.invalid", field="outcome", value=str(outcome), reason="ok, refused or failed") from None
    return AuditEntry(
        id=new_id(), at=at, actor=actor.strip(), action=action.strip(), resource=resource.strip(),
        outcome=checked, source_ip=source_ip[:64] if source_ip else None, detail=dict(detail or {}),
    )
