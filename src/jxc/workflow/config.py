"""The approval flow file: parsing and validation, the packaged default, an operator's own file.

Pure apart from reading the file (standard library only). Invariants:

- everything not understood is refused with ``InvalidInput("workflow.invalid_config")`` whose
  ``field`` names the offending TOML key (``flow[2].level[0].approver_roles[1]``) and whose
  ``value`` names the file; nothing is silently ignored or defaulted into a wider meaning;
- amounts are integers or quoted decimals (``50000``, ``"49999.99"``) — TOML floats are binary and
  are refused; thresholds are inclusive below, exclusive above;
- a flow without levels must say ``auto_approve = true`` (so a forgotten level is an error, not a
  document approved on submit);
- flow names are unique; level names are unique within a flow; every level names at least one
  approver; at most one ``default`` flow per document type and organisation, and a default
  flow has no amount or category conditions;
- when ``known_roles`` is given (services pass the access context's role names), an unknown role
  is refused — a typo never leaves a level nobody can approve.

Format (``flows.toml`` next to this module is the reference; ``docs/approvals.md`` explains it)::

    version = 1
    [[flow]]
    name = "purchase_order.default"
    document_type = "purchase_order"
    default = true                        # fallback when no other flow for the type matches
      [[flow.level]]
      name = "director"
      name_zh = "采购总监审批"
      name_en = "Purchasing director"
      approver_roles = ["purchasing_director"]
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jxc.kernel.errors import InvalidInput
from jxc.workflow.model import FlowDefinition, Level

DEFAULT_FLOWS = "flows.toml"
VERSION = 1

_TOP_KEYS = frozenset({"version", "flow"})
_FLOW_KEYS = frozenset(
    {
        "name",
        "document_type",
        "default",
        "organisation",
        "min_amount",
        "max_amount",
        "categories",
        "priority",
        "distinct_approvers",
        "auto_approve",
        "level",
    }
)
_LEVEL_KEYS = frozenset({"name", "name_zh", "name_en", "approver_roles", "approver_users", "skippable"})
_DOCUMENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*$")


def load_flows(
    path: Path | str | None = None, *, known_roles: Iterable[str] | None = None
) -> tuple[FlowDefinition, ...]:
    """The flows in ``path``, or the packaged default when ``path`` is ``None``."""
    if path is None:
        flows = default_flows()
        if known_roles is not None:
            _check_roles(flows, frozenset(known_roles), DEFAULT_FLOWS)
        return flows
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(
            "workflow.invalid_config", field="flows", value=str(file), reason="file not found"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "workflow.invalid_config", field="flows", value=str(file), reason=str(exc)
        ) from exc
    return parse_flows(text, source=str(file), known_roles=known_roles)


@lru_cache(maxsize=1)
def default_flows() -> tuple[FlowDefinition, ...]:
    """The packaged ``jxc/workflow/flows.toml``, parsed once per process."""
    text = resources.files("jxc.workflow").joinpath(DEFAULT_FLOWS).read_text(encoding="utf-8")
    return parse_flows(text, source=DEFAULT_FLOWS)


def parse_flows(
    text: str, *, source: str = DEFAULT_FLOWS, known_roles: Iterable[str] | None = None
) -> tuple[FlowDefinition, ...]:
    """Parse and validate a flow file's text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput("workflow.invalid_config", field="toml", value=source, reason=str(exc)) from exc
    return flows_from_mapping(data, source=source, known_roles=known_roles)


def flows_from_mapping(
    data: Mapping[str, Any], *, source: str = DEFAULT_FLOWS, known_roles: Iterable[str] | None = None
) -> tuple[FlowDefinition, ...]:
    """Validate already-parsed TOML data into flows, in file order (the last tie-break of selection)."""
    _no_unknown_keys(data, _TOP_KEYS, source, "")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        raise _invalid(source, "version", f"expected version = {VERSION}")
    entries = data.get("flow", [])
    if not isinstance(entries, list):
        raise _invalid(source, "flow", "expected an array of tables ([[flow]])")
    flows: list[FlowDefinition] = []
    seen: dict[str, str] = {}
    defaults: dict[tuple[str, str | None], str] = {}
    for index, entry in enumerate(entries):
        key = f"flow[{index}]"
        flow = _parse_flow(entry, source, key)
        if flow.name in seen:
            raise _invalid(
                source, f"{key}.name", f"duplicate flow name {flow.name!r} (first at {seen[flow.name]})"
            )
        seen[flow.name] = key
        if flow.default:
            scope = (flow.document_type, flow.organisation)
            if scope in defaults:
                raise _invalid(
                    source,
                    f"{key}.default",
                    f"a second default flow for {flow.document_type} (first is {defaults[scope]!r})",
                )
            defaults[scope] = flow.name
        flows.append(flow)
    result = tuple(flows)
    if known_roles is not None:
        _check_roles(result, frozenset(known_roles), source)
    return result


# --- helpers ----------------------------------------------------------------------------------


def _invalid(source: str, key: str, reason: str) -> InvalidInput:
    return InvalidInput("workflow.invalid_config", field=key, value=source, reason=reason)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _no_unknown_keys(table: Mapping[str, Any], allowed: frozenset[str], source: str, prefix: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _invalid(
            source, _join(prefix, unknown[0]), f"unknown key (expected one of {', '.join(sorted(allowed))})"
        )


def _table(value: object, source: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(source, key, "expected a table")
    return value


def _text(table: Mapping[str, Any], name: str, source: str, key: str, *, required: bool) -> str | None:
    value = table.get(name)
    if value is None:
        if required:
            raise _invalid(source, f"{key}.{name}", "missing")
        return None
    if not isinstance(value, str) or not value.strip():
        raise _invalid(source, f"{key}.{name}", "expected a non-empty string")
    return value.strip()


def _code(table: Mapping[str, Any], name: str, source: str, key: str) -> str:
    value = _text(table, name, source, key, required=True)
    assert value is not None
    if any(ch.isspace() for ch in value):
        raise _invalid(source, f"{key}.{name}", f"no spaces allowed: {value!r}")
    return value


def _flag(table: Mapping[str, Any], name: str, default: bool, source: str, key: str) -> bool:
    value = table.get(name, default)
    if not isinstance(value, bool):
        raise _invalid(source, f"{key}.{name}", "expected true or false")
    return value


def _strings(table: Mapping[str, Any], name: str, source: str, key: str) -> frozenset[str]:
    value = table.get(name, [])
    if not isinstance(value, list):
        raise _invalid(source, f"{key}.{name}", "expected a list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _invalid(source, f"{key}.{name}[{index}]", "expected a non-empty string")
    return frozenset(item.strip() for item in value)


def _amount(table: Mapping[str, Any], name: str, source: str, key: str) -> Decimal | None:
    value = table.get(name)
    if value is None:
        return None
    where = f"{key}.{name}"
    if isinstance(value, (bool, float)):
        raise _invalid(source, where, "write amounts as integers or quoted decimals (TOML floats are binary)")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise _invalid(source, where, f"not a number: {value!r}") from None
    else:
        raise _invalid(source, where, "expected an integer or a quoted decimal")
    if not amount.is_finite() or amount < 0:
        raise _invalid(source, where, f"not a non-negative amount: {value!r}")
    return amount


def _parse_level(value: object, source: str, key: str) -> Level:
    table = _table(value, source, key)
    _no_unknown_keys(table, _LEVEL_KEYS, source, key)
    roles = _strings(table, "approver_roles", source, key)
    users = _strings(table, "approver_users", source, key)
    if not roles and not users:
        raise _invalid(source, f"{key}.approver_roles", "a level needs approver_roles or approver_users")
    return Level(
        name=_code(table, "name", source, key),
        approver_roles=roles,
        approver_users=users,
        skippable=_flag(table, "skippable", True, source, key),
        name_zh=_text(table, "name_zh", source, key, required=False),
        name_en=_text(table, "name_en", source, key, required=False),
    )


def _parse_flow(value: object, source: str, key: str) -> FlowDefinition:
    table = _table(value, source, key)
    _no_unknown_keys(table, _FLOW_KEYS, source, key)
    name = _code(table, "name", source, key)
    document_type = _code(table, "document_type", source, key)
    if not _DOCUMENT_TYPE.match(document_type):
        raise _invalid(
            source, f"{key}.document_type", f"expected a snake_case document type, not {document_type!r}"
        )
    raw_levels = table.get("level", [])
    if not isinstance(raw_levels, list):
        raise _invalid(source, f"{key}.level", "expected an array of tables ([[flow.level]])")
    levels = tuple(_parse_level(item, source, f"{key}.level[{i}]") for i, item in enumerate(raw_levels))
    for index, level in enumerate(levels):
        if any(other.name == level.name for other in levels[:index]):
            raise _invalid(source, f"{key}.level[{index}].name", f"duplicate level {level.name!r}")
    auto = _flag(table, "auto_approve", False, source, key)
    if auto and levels:
        raise _invalid(source, f"{key}.auto_approve", "a flow with levels cannot auto-approve")
    if not auto and not levels:
        raise _invalid(source, f"{key}.level", "missing (a flow without levels must say auto_approve = true)")
    low = _amount(table, "min_amount", source, key)
    high = _amount(table, "max_amount", source, key)
    if low is not None and high is not None and low >= high:
        raise _invalid(source, f"{key}.max_amount", f"must be greater than min_amount ({low})")
    priority = table.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise _invalid(source, f"{key}.priority", "expected an integer")
    categories = _strings(table, "categories", source, key)
    default = _flag(table, "default", False, source, key)
    distinct = _flag(table, "distinct_approvers", True, source, key)
    organisation = _text(table, "organisation", source, key, required=False)
    if default and (low is not None or high is not None or categories):
        raise _invalid(source, f"{key}.default", "a default flow has no min_amount, max_amount or categories")
    try:
        return FlowDefinition(
            name=name,
            document_type=document_type,
            organisation=organisation,
            min_amount=low,
            max_amount=high,
            categories=categories,
            levels=levels,
            priority=priority,
            distinct_approvers=distinct,
            default=default,
        )
    except InvalidInput as exc:  # the model's own checks; the ones above should have caught it first
        raise _invalid(source, f"{key}.{exc.field}", str(exc.params.get("reason", exc.code))) from exc


def _check_roles(flows: Iterable[FlowDefinition], known: frozenset[str], source: str) -> None:
    for f_index, flow in enumerate(flows):
        for l_index, level in enumerate(flow.levels):
            for role in sorted(level.approver_roles - known):
                raise _invalid(
                    source,
                    f"flow[{f_index}].level[{l_index}].approver_roles",
                    f"unknown role {role!r} (known: {', '.join(sorted(known))})",
                )
