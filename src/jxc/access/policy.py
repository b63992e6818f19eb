"""The access policy file: parsing and validation, the packaged default, an operator's own file.

Pure apart from reading the file (standard library only). Invariants:
- everything not understood is refused with ``InvalidInput("config.invalid")`` whose ``field``
  names the offending key (``roles.finance.actions[1]``, ``fields.item.cost.clerk``) and whose
  ``value`` names the file;
- every :class:`~jxc.access.model.Role` must be declared; every action pattern must match at
  least one known action; a field rule is ``show``, ``mask`` or ``hide``;
- the packaged default is parsed once per process.

Format (``policy.toml`` next to this module is the reference)::

    version = 1
    [roles.store_clerk]
    actions = ["item.read", "stock.read", "movement.post"]    # or "*", "stock.*", "*.read"
    movement_kinds = ["sale", "return"]                        # for movement.post; "*" = any
    counterparties = ["@customer"]                             # virtual sites it may touch
    [fields.item]
    standard_cost = { store_clerk = "mask", device = "hide", default = "show" }
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jxc.access.model import ACTIONS, ANY, FieldRule, FieldRules, Policy, Role, RoleRules
from jxc.kernel.errors import InvalidInput

DEFAULT_POLICY = "policy.toml"


def load_policy(path: Path | str | None = None) -> Policy:
    """The policy in ``path``, or the packaged default when ``path`` is ``None``."""
    if path is None:
        return default_policy()
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput("config.invalid", field="policy", value=str(file), reason="file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput("config.invalid", field="policy", value=str(file), reason=str(exc)) from exc
    return parse_policy(text, source=str(file))


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    """The packaged ``jxc/access/policy.toml``."""
    text = resources.files("jxc.access").joinpath(DEFAULT_POLICY).read_text(encoding="utf-8")
    return parse_policy(text, source=DEFAULT_POLICY)


def parse_policy(text: str, *, source: str = "policy.toml") -> Policy:
    """Parse and validate a policy file's text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput("config.invalid", field="policy", value=source, reason=str(exc)) from exc
    return policy_from_mapping(data, source=source)


_KIND = re.compile(r"^[a-z][a-z0-9_]*$")
_ROLE_KEYS = frozenset({"actions", "movement_kinds", "counterparties"})


def _invalid(source: str, key: str, reason: str) -> InvalidInput:
    return InvalidInput("config.invalid", field=key, value=source, reason=f"{key}: {reason}")


def _table(value: object, source: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(source, key, "expected a table")
    return value


def _strings(value: object, source: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _invalid(source, key, "expected a list of non-empty strings")
    return [v.strip() for v in value]


def _expand_actions(patterns: list[str], source: str, key: str) -> frozenset[str]:
    """Exact actions, ``"*"``, ``"noun.*"`` or ``"*.verb"``; each pattern must match something."""
    granted: set[str] = set()
    for index, pattern in enumerate(patterns):
        noun, _, verb = pattern.partition(".")
        if pattern == ANY:
            matched = set(ACTIONS)
        elif noun and verb:
            matched = {
                a for a in ACTIONS
                if (noun == ANY or a.split(".")[0] == noun) and (verb == ANY or a.split(".")[1] == verb)
            }
        else:
            matched = set()
        if not matched:
            raise _invalid(source, f"{key}[{index}]", f"unknown action {pattern!r}")
        granted |= matched
    return frozenset(granted)


def _parse_role(value: object, source: str, key: str) -> RoleRules:
    table = _table(value, source, key)
    unknown = sorted(set(table) - _ROLE_KEYS)
    if unknown:
        raise _invalid(source, f"{key}.{unknown[0]}", f"unknown key (expected {', '.join(sorted(_ROLE_KEYS))})")
    if "actions" not in table:
        raise _invalid(source, f"{key}.actions", "missing")
    kinds = _strings(table.get("movement_kinds", []), source, f"{key}.movement_kinds")
    for index, kind in enumerate(kinds):
        if kind != ANY and not _KIND.match(kind):
            raise _invalid(source, f"{key}.movement_kinds[{index}]", f"not a movement kind: {kind!r}")
    parties = _strings(table.get("counterparties", []), source, f"{key}.counterparties")
    for index, party in enumerate(parties):
        if party != ANY and not party.startswith("@"):
            raise _invalid(source, f"{key}.counterparties[{index}]", f"not a virtual site code: {party!r}")
    return RoleRules(
        actions=_expand_actions(_strings(table["actions"], source, f"{key}.actions"), source, f"{key}.actions"),
        movement_kinds=frozenset(kinds),
        counterparties=frozenset(parties),
    )


def _rule(value: object, source: str, key: str) -> FieldRule:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return FieldRule(value)
    except ValueError:
        raise _invalid(source, key, f"expected show, mask or hide, not {value!r}") from None


def _parse_fields(value: object, source: str) -> dict[str, dict[str, FieldRules]]:
    resources: dict[str, dict[str, FieldRules]] = {}
    for resource, fields in _table(value, source, "fields").items():
        parsed: dict[str, FieldRules] = {}
        for name, spec in _table(fields, source, f"fields.{resource}").items():
            key = f"fields.{resource}.{name}"
            if isinstance(spec, str):  # `cost = "mask"`: the same rule for every role
                parsed[name] = FieldRules(default=_rule(spec, source, key))
                continue
            default = FieldRule.SHOW
            by_role: dict[Role, FieldRule] = {}
            for role_name, rule in _table(spec, source, key).items():
                if role_name == "default":
                    default = _rule(rule, source, f"{key}.default")
                    continue
                try:
                    role = Role(role_name)
                except ValueError:
                    raise _invalid(source, f"{key}.{role_name}", "unknown role") from None
                by_role[role] = _rule(rule, source, f"{key}.{role_name}")
            parsed[name] = FieldRules(default=default, by_role=by_role)
        resources[resource] = parsed
    return resources


def policy_from_mapping(data: Mapping[str, Any], *, source: str = "<policy>") -> Policy:
    """Validate an already-parsed policy document."""
    unknown = sorted(set(data) - {"version", "roles", "fields"})
    if unknown:
        raise _invalid(source, unknown[0], "unknown key (expected version, roles, fields)")
    if data.get("version", 1) != 1:
        raise _invalid(source, "version", f"unsupported version {data.get('version')!r} (expected 1)")
    roles_table = _table(data.get("roles", {}), source, "roles")
    roles: dict[Role, RoleRules] = {}
    for name, value in roles_table.items():
        try:
            role = Role(name)
        except ValueError:
            raise _invalid(source, f"roles.{name}", "unknown role") from None
        roles[role] = _parse_role(value, source, f"roles.{name}")
    missing = [role.value for role in Role if role not in roles]
    if missing:
        raise _invalid(source, f"roles.{missing[0]}", "missing (every role must be declared)")
    return Policy(roles=roles, fields=_parse_fields(data.get("fields", {}), source), source=source)


