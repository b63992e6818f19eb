"""The chart of accounts (会计科目表) and the account mapping from valued events to voucher lines.

Pure: standard library and ``jxc.kernel`` only (reading a file the caller names is the one I/O).
``accounts.toml`` next to this module is the packaged default and the format reference.

Invariants the loaders keep, so that every voucher built from a loaded mapping balances:
- account codes use the 4-2-2 scheme of the 企业会计准则 chart: four digits for a top-level
  account, two more per level (2221 → 222101 → 22210101); every sub-account's parent is in the
  chart and has the same kind; the leading digit fits the kind (1 asset, 2 liability, 4 equity,
  5 cost, 6 revenue or expense; 3 共同类 may be anything);
- a role maps to a *leaf* (末级) account of the chart at every override level — general-ledger
  systems (金蝶/用友) only accept postings to leaf accounts;
- every template balances *symbolically*: for each amount name, the debit lines use it as often
  as the credit lines, so the voucher balances for any amounts, and dropping zero lines keeps it so;
- every template moves the inventory roles (``inventory``, ``in_transit``, ``goods_shipped``) by
  exactly :data:`INVENTORY_EFFECT` of its event kind, so the general ledger's inventory accounts
  follow the valuation (the design's "valuation = general ledger");
- anything not understood is refused with an :class:`InvalidInput` whose ``field`` names the key
  (``accounts.1405.kind``, ``templates.sale_shipment.lines[2].amount``) and whose ``value`` names
  the source.

Role resolution, most specific first: organisation + item category > organisation > category >
the default ``[roles]`` table. Resolution is per role, so an override names only what it changes.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, cast, get_args

from jxc.kernel.errors import InvalidInput

AccountKind = Literal["asset", "liability", "equity", "revenue", "expense", "cost"]
Side = Literal["debit", "credit"]
Dimension = Literal["partner", "item", "site", "department"]
PartnerSource = Literal["partner", "counter_organisation", "responsible_party"]
SiteSource = Literal["site", "to_site"]

ACCOUNT_KINDS: Final = frozenset(get_args(AccountKind))
SIDES: Final = frozenset(get_args(Side))
DIMENSIONS: Final[tuple[Dimension, ...]] = get_args(Dimension)
AMOUNT_NAMES: Final = ("cost", "net", "vat", "expensed", "freight")
INVENTORY_ROLES: Final = frozenset({"inventory", "in_transit", "goods_shipped"})

# Template key (event kind, or ``kind.variant``) → how the event moves inventory value, as signed
# amount names. Stated here, independent of any mapping file, so a mapping cannot silently break
# "GL inventory = valuation": the loader checks every template against it.
INVENTORY_EFFECT: Final[Mapping[str, Mapping[str, int]]] = MappingProxyType(
    {
        "purchase_receipt": {"cost": 1},
        "purchase_receipt.into_transit": {"cost": 1},
        "transit_arrival": {},
        "purchase_return": {"cost": -1},
        "purchase_return.in_transit": {"cost": -1},
        "landed_cost": {"cost": 1},
        "landed_cost.other_payable": {"cost": 1},
        "landed_cost.in_transit": {"cost": 1},
        "sale_shipment": {"cost": -1},
        "sale_shipment.deferred": {},
        "revenue_recognition": {"cost": -1},
        "sales_return": {"cost": 1},
        "transfer_internal": {},
        "intercompany_sale": {"cost": -1},
        "intercompany_purchase": {"net": 1, "freight": 1},
        "transit_loss": {"cost": -1},
        "transit_loss.inventory": {"cost": -1},
        "transit_loss.shipped": {"cost": -1},
        "loss_charge.sender": {},
        "loss_charge.carrier": {},
        "loss_charge.receiver": {},
        "loss_charge.force_majeure": {},
        "gain_clear": {},
        "stocktake_gain": {"cost": 1},
        "stocktake_loss": {"cost": -1},
        "scrap": {"cost": -1},
        "opening_balance": {"cost": 1},
    }
)
TEMPLATE_KEYS: Final = frozenset(INVENTORY_EFFECT)
EVENT_KINDS: Final = frozenset(key.partition(".")[0] for key in INVENTORY_EFFECT)

DEFAULT_FILE: Final = "accounts.toml"
_CODE = re.compile(r"^[0-9]{4}(?:[0-9]{2})*$")
_KINDS_BY_DIGIT: Final[Mapping[str, frozenset[str]]] = {
    "1": frozenset({"asset"}),
    "2": frozenset({"liability"}),
    "3": ACCOUNT_KINDS,  # 共同类 (clearing, hedging) sits on either side
    "4": frozenset({"equity"}),
    "5": frozenset({"cost"}),
    "6": frozenset({"revenue", "expense"}),
}


@dataclass(frozen=True, slots=True)
class Account:
    """One account of the chart; ``dims`` are its auxiliary dimensions (辅助核算), each required on a line."""

    code: str
    name_zh: str
    name_en: str
    kind: AccountKind
    normal_side: Side
    dims: frozenset[Dimension] = frozenset()

    @property
    def level(self) -> int:
        return 1 + (len(self.code) - 4) // 2

    @property
    def parent_code(self) -> str | None:
        return self.code[:-2] if len(self.code) > 4 else None


@dataclass(frozen=True, slots=True, eq=False)
class Chart:
    """The accounts by code; validated on construction (see the module docstring)."""

    accounts: tuple[Account, ...]
    source: str = "<chart>"
    _by_code: Mapping[str, Account] = field(init=False, repr=False)
    _parents: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_code: dict[str, Account] = {}
        for account in self.accounts:
            if account.code in by_code:
                raise _chart_error(self.source, f"accounts.{account.code}", "duplicate code")
            by_code[account.code] = account
        for account in self.accounts:
            _check_account(account, by_code, self.source)
        object.__setattr__(self, "accounts", tuple(sorted(self.accounts, key=lambda a: a.code)))
        object.__setattr__(self, "_by_code", MappingProxyType(by_code))
        object.__setattr__(self, "_parents", frozenset(a.parent_code for a in self.accounts if a.parent_code))

    def __getitem__(self, code: str) -> Account:
        try:
            return self._by_code[code]
        except KeyError:
            raise InvalidInput("mapping.unknown_account", field="account", value=code) from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Account]:
        return iter(self.accounts)

    def __len__(self) -> int:
        return len(self.accounts)

    def get(self, code: str) -> Account | None:
        return self._by_code.get(code)

    def is_leaf(self, code: str) -> bool:
        """True when no account of the chart is a sub-account of ``code``: only leaves take postings."""
        return code in self._by_code and code not in self._parents


@dataclass(frozen=True, slots=True)
class TemplateLine:
    """One entry line of a template: side, role (resolved to an account) and the amount names summed."""

    side: Side
    role: str
    amount: tuple[str, ...]
    partner_from: PartnerSource = "partner"
    site_from: SiteSource = "site"


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    summary_zh: str
    summary_en: str
    lines: tuple[TemplateLine, ...]


@dataclass(frozen=True, slots=True, eq=False)
class AccountMapping:
    """Event templates plus role → account tables at four levels; validated by the loaders."""

    chart: Chart
    templates: Mapping[str, Template]
    roles: Mapping[str, str]
    by_category: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    by_org: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    by_org_category: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)
    source: str = "<mapping>"

    def template(self, key: str) -> Template:
        """The template for ``kind`` or ``kind.variant``; ``mapping.unknown_event`` when there is none."""
        try:
            return self.templates[key]
        except KeyError:
            raise InvalidInput("mapping.unknown_event", field="kind", value=key, source=self.source) from None

    def account_for(
        self, role: str, *, organisation: str | None = None, category: str | None = None
    ) -> Account:
        """The account a role posts to: org+category > org > category > default."""
        levels: list[Mapping[str, str] | None] = [
            self.by_org_category.get((organisation, category)) if organisation and category else None,
            self.by_org.get(organisation) if organisation else None,
            self.by_category.get(category) if category else None,
            self.roles,
        ]
        for table in levels:
            if table is not None and role in table:
                return self.chart[table[role]]
        raise InvalidInput("mapping.unknown_role", field="role", value=role, source=self.source)


# --- loading ------------------------------------------------------------------------------------------


def load_chart(source: str | os.PathLike[str]) -> Chart:
    """The chart in a TOML text (``str``) or file (a path object); ``chart.invalid`` names the bad key."""
    data, name = _read(source, "chart.invalid")
    return chart_from_mapping(data, source=name)


def load_mapping(source: str | os.PathLike[str], *, chart: Chart | None = None) -> AccountMapping:
    """The account mapping in a TOML text or file, checked against ``chart`` (default: the file's own)."""
    data, name = _read(source, "mapping.invalid")
    return mapping_from_mapping(data, chart=chart or chart_from_mapping(data, source=name), source=name)


@lru_cache(maxsize=1)
def default_chart() -> Chart:
    """The packaged ``jxc/accounting/accounts.toml`` chart."""
    return chart_from_mapping(_default_data(), source=DEFAULT_FILE)


@lru_cache(maxsize=1)
def default_mapping() -> AccountMapping:
    """The packaged ``jxc/accounting/accounts.toml`` mapping over :func:`default_chart`."""
    return mapping_from_mapping(_default_data(), chart=default_chart(), source=DEFAULT_FILE)


def _default_data() -> Mapping[str, Any]:
    text = resources.files("jxc.accounting").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _read(source: str | os.PathLike[str], code: str) -> tuple[Mapping[str, Any], str]:
    if isinstance(source, str):
        text, name = source, "<text>"
    else:
        file = Path(source)
        name = str(file)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(code, field="file", value=name, reason=str(exc)) from exc
    try:
        return tomllib.loads(text), name
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(code, field="file", value=name, reason=str(exc)) from exc


_TOP_KEYS: Final = frozenset({"version", "accounts", "roles", "templates", "overrides"})
_ACCOUNT_KEYS: Final = frozenset({"name_zh", "name_en", "kind", "normal_side", "dims"})
_TEMPLATE_KEYS: Final = frozenset({"summary_zh", "summary_en", "lines"})
_LINE_KEYS: Final = frozenset({"side", "role", "amount", "partner", "site"})
_OVERRIDE_KEYS: Final = frozenset({"category", "org"})


_Error = Callable[[str, str], InvalidInput]  # (key, reason) -> the error to raise


def _chart_error(source: str, key: str, reason: str) -> InvalidInput:
    return InvalidInput("chart.invalid", field=key, value=source, reason=f"{key}: {reason}")


def _mapping_error(source: str, key: str, reason: str) -> InvalidInput:
    return InvalidInput("mapping.invalid", field=key, value=source, reason=f"{key}: {reason}")


def _table(value: object, key: str, error: _Error) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise error(key, "expected a table")
    return cast(Mapping[str, Any], value)


def _text(value: object, key: str, error: _Error) -> str:
    if not isinstance(value, str) or not value.strip():
        raise error(key, "expected non-empty text")
    return value.strip()


def _choice(value: object, choices: frozenset[str] | tuple[str, ...], key: str, error: _Error) -> str:
    if not isinstance(value, str) or value not in choices:
        raise error(key, f"expected one of {', '.join(sorted(choices))}, not {value!r}")
    return value


def _check_top(data: Mapping[str, Any], error: _Error) -> None:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise error(unknown[0], f"unknown key (expected {', '.join(sorted(_TOP_KEYS))})")
    if data.get("version", 1) != 1:
        raise error("version", f"unsupported version {data.get('version')!r} (expected 1)")


def chart_from_mapping(data: Mapping[str, Any], *, source: str = "<chart>") -> Chart:
    """Validate an already-parsed document's ``[accounts]`` table."""

    def error(key: str, reason: str) -> InvalidInput:
        return _chart_error(source, key, reason)

    _check_top(data, error)
    accounts: list[Account] = []
    for code, spec in _table(data.get("accounts", {}), "accounts", error).items():
        key = f"accounts.{code}"
        if not _CODE.match(code):
            raise error(key, "an account code is 4 digits plus 2 per sub-level (4-2-2)")
        table = _table(spec, key, error)
        unknown = sorted(set(table) - _ACCOUNT_KEYS)
        if unknown:
            raise error(f"{key}.{unknown[0]}", f"unknown key (expected {', '.join(sorted(_ACCOUNT_KEYS))})")
        for required in ("name_zh", "name_en", "kind", "normal_side"):
            if required not in table:
                raise error(f"{key}.{required}", "missing")
        dims = table.get("dims", [])
        if not isinstance(dims, list):
            raise error(f"{key}.dims", "expected a list")
        accounts.append(
            Account(
                code=code,
                name_zh=_text(table["name_zh"], f"{key}.name_zh", error),
                name_en=_text(table["name_en"], f"{key}.name_en", error),
                kind=cast(AccountKind, _choice(table["kind"], ACCOUNT_KINDS, f"{key}.kind", error)),
                normal_side=cast(Side, _choice(table["normal_side"], SIDES, f"{key}.normal_side", error)),
                dims=frozenset(
                    cast(Dimension, _choice(d, DIMENSIONS, f"{key}.dims[{i}]", error))
                    for i, d in enumerate(dims)
                ),
            )
        )
    if not accounts:
        raise error("accounts", "the chart has no accounts")
    return Chart(accounts=tuple(accounts), source=source)


def _check_account(account: Account, by_code: Mapping[str, Account], source: str) -> None:
    key = f"accounts.{account.code}"
    if not _CODE.match(account.code):
        raise _chart_error(source, key, "an account code is 4 digits plus 2 per sub-level (4-2-2)")
    if account.kind not in _KINDS_BY_DIGIT.get(account.code[0], frozenset()):
        raise _chart_error(
            source, f"{key}.kind", f"{account.kind} does not fit a code starting with {account.code[0]}"
        )
    parent = account.parent_code
    if parent is not None:
        if parent not in by_code:
            raise _chart_error(source, key, f"parent account {parent} is missing")
        if by_code[parent].kind != account.kind:
            raise _chart_error(source, f"{key}.kind", f"{account.kind} differs from parent {parent}")


def mapping_from_mapping(
    data: Mapping[str, Any], *, chart: Chart, source: str = "<mapping>"
) -> AccountMapping:
    """Validate a parsed document's ``[roles]``, ``[templates]`` and ``[overrides]`` against ``chart``."""

    def error(key: str, reason: str) -> InvalidInput:
        return _mapping_error(source, key, reason)

    _check_top(data, error)
    roles = _role_table(data.get("roles", {}), "roles", chart=chart, known=None, source=source)
    if not roles:
        raise error("roles", "no default role table")
    templates: dict[str, Template] = {}
    for key, spec in _table(data.get("templates", {}), "templates", error).items():
        templates[key] = _template(key, spec, roles=roles, source=source)
    overrides = _table(data.get("overrides", {}), "overrides", error)
    unknown = sorted(set(overrides) - _OVERRIDE_KEYS)
    if unknown:
        raise error(f"overrides.{unknown[0]}", "unknown key (expected category, org)")
    by_category = {
        category: _role_table(
            table, f"overrides.category.{category}", chart=chart, known=roles, source=source
        )
        for category, table in _table(overrides.get("category", {}), "overrides.category", error).items()
    }
    by_org: dict[str, Mapping[str, str]] = {}
    by_org_category: dict[tuple[str, str], Mapping[str, str]] = {}
    for org, org_spec in _table(overrides.get("org", {}), "overrides.org", error).items():
        key = f"overrides.org.{org}"
        org_table = dict(_table(org_spec, key, error))
        for category, table in _table(org_table.pop("category", {}), f"{key}.category", error).items():
            by_org_category[(org, category)] = _role_table(
                table, f"{key}.category.{category}", chart=chart, known=roles, source=source
            )
        by_org[org] = _role_table(org_table, key, chart=chart, known=roles, source=source)
    return AccountMapping(
        chart=chart,
        templates=MappingProxyType(templates),
        roles=roles,
        by_category=MappingProxyType(by_category),
        by_org=MappingProxyType(by_org),
        by_org_category=MappingProxyType(by_org_category),
        source=source,
    )


def _role_table(
    value: object, key: str, *, chart: Chart, known: Mapping[str, str] | None, source: str
) -> Mapping[str, str]:
    """role → leaf account code; ``known`` (the default table) limits override roles to real ones."""
    table = _table(value, key, lambda k, r: _mapping_error(source, k, r))
    resolved: dict[str, str] = {}
    for role, code in table.items():
        role_key = f"{key}.{role}"
        if known is not None and role not in known:
            raise InvalidInput("mapping.unknown_role", field=role_key, value=role, source=source)
        if not isinstance(code, str):
            raise _mapping_error(source, role_key, "expected an account code as text")
        if code not in chart:
            raise InvalidInput("mapping.unknown_account", field=role_key, value=code, source=source)
        if not chart.is_leaf(code):
            raise InvalidInput("mapping.not_postable", field=role_key, value=code, source=source)
        resolved[role] = code
    return MappingProxyType(resolved)


def _template(key: str, spec: object, *, roles: Mapping[str, str], source: str) -> Template:
    base = f"templates.{key}"

    def error(k: str, reason: str) -> InvalidInput:
        return _mapping_error(source, k, reason)

    if key not in TEMPLATE_KEYS:
        raise InvalidInput("mapping.unknown_event", field=base, value=key, source=source)
    table = _table(spec, base, error)
    unknown = sorted(set(table) - _TEMPLATE_KEYS)
    if unknown:
        raise error(f"{base}.{unknown[0]}", f"unknown key (expected {', '.join(sorted(_TEMPLATE_KEYS))})")
    raw_lines = table.get("lines")
    if not isinstance(raw_lines, list) or len(raw_lines) < 2:
        raise error(f"{base}.lines", "expected a list of at least two lines")
    lines = tuple(
        _template_line(f"{base}.lines[{i}]", raw, roles=roles, source=source)
        for i, raw in enumerate(raw_lines)
    )
    _check_balanced(base, lines, source)
    _check_inventory(key, base, lines, source)
    return Template(
        key=key,
        summary_zh=_text(table.get("summary_zh"), f"{base}.summary_zh", error),
        summary_en=_text(table.get("summary_en"), f"{base}.summary_en", error),
        lines=lines,
    )


def _template_line(key: str, raw: object, *, roles: Mapping[str, str], source: str) -> TemplateLine:
    def error(k: str, reason: str) -> InvalidInput:
        return _mapping_error(source, k, reason)

    table = _table(raw, key, error)
    unknown = sorted(set(table) - _LINE_KEYS)
    if unknown:
        raise error(f"{key}.{unknown[0]}", f"unknown key (expected {', '.join(sorted(_LINE_KEYS))})")
    role = _text(table.get("role"), f"{key}.role", error)
    if role not in roles:
        raise InvalidInput("mapping.unknown_role", field=f"{key}.role", value=role, source=source)
    names = tuple(part.strip() for part in _text(table.get("amount"), f"{key}.amount", error).split("+"))
    for name in names:
        _choice(name, AMOUNT_NAMES, f"{key}.amount", error)
    return TemplateLine(
        side=cast(Side, _choice(table.get("side"), SIDES, f"{key}.side", error)),
        role=role,
        amount=names,
        partner_from=cast(
            PartnerSource,
            _choice(table.get("partner", "partner"), get_args(PartnerSource), f"{key}.partner", error),
        ),
        site_from=cast(
            SiteSource, _choice(table.get("site", "site"), get_args(SiteSource), f"{key}.site", error)
        ),
    )


def _coefficients(lines: tuple[TemplateLine, ...], *, roles: frozenset[str] | None = None) -> dict[str, int]:
    """Debit minus credit uses of each amount name (over ``roles`` only, when given)."""
    total: dict[str, int] = {}
    for line in lines:
        if roles is not None and line.role not in roles:
            continue
        sign = 1 if line.side == "debit" else -1
        for name in line.amount:
            total[name] = total.get(name, 0) + sign
    return {name: n for name, n in total.items() if n}


def _render(coefficients: Mapping[str, int]) -> str:
    return " ".join(f"{n:+d}×{name}" for name, n in sorted(coefficients.items())) or "0"


def _check_balanced(base: str, lines: tuple[TemplateLine, ...], source: str) -> None:
    # Linear in the amounts, so balanced coefficients mean balanced for every input.
    off = _coefficients(lines)
    if off:
        raise InvalidInput(
            "mapping.unbalanced", field=base, value=source, reason=f"debit - credit = {_render(off)}"
        )


def _check_inventory(key: str, base: str, lines: tuple[TemplateLine, ...], source: str) -> None:
    actual = _coefficients(lines, roles=INVENTORY_ROLES)
    expected = {name: n for name, n in INVENTORY_EFFECT[key].items() if n}
    if actual != expected:
        raise InvalidInput(
            "mapping.inventory_mismatch",
            field=base,
            value=source,
            expected=_render(expected),
            actual=_render(actual),
        )
