"""``jxc user …`` and ``jxc audit …``: parse, call a service, render.

Commands run with direct database access, so they act as the operator (audited as
``cli:<os user>``), not as a jxc principal. Passwords are prompted for without echo, or read
from stdin with ``--password-stdin``; an API key's secret is printed once and never again.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated, Any
from uuid import UUID

import typer

from jxc.access import services
from jxc.access.model import ApiKey, AuditEntry, Role, User
from jxc.cli.common import JsonOpt, current_app
from jxc.cli.output import console, emit_json, err_console, table
from jxc.cli.parsing import moment
from jxc.kernel.errors import InvalidInput

user_app = typer.Typer(help="Users, roles and API keys (用户与权限).", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log (审计日志).", no_args_is_help=True)

ROLE_HELP = ", ".join(f"{r.value} ({r.name_zh})" for r in Role)


def register(app: typer.Typer) -> None:
    """Add the access context's command groups to the root ``jxc`` app."""
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name in some containers
        return "cli"


def _user_dict(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(r.value for r in user.roles),
        "organisations": sorted(user.organisations) if user.organisations is not None else None,
        "region": user.region,
        "home_site": user.home_site,
        "radius_km": user.radius_km,
        "lang": user.lang,
        "enabled": user.enabled,
    }


def _key_dict(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id, "name": key.name, "role": key.role, "site": key.site_code, "device": key.device_id,
        "created_at": key.created_at, "revoked_at": key.revoked_at,
    }


def _show_users(title: str, users: list[User], as_json: bool) -> None:
    if as_json:
        emit_json([_user_dict(u) for u in users])
        return
    table(
        title,
        ["username", "name", "roles", "organisations", "region", "home site", "radius km", "lang", "enabled"],
        [
            (
                u.username, u.display_name, " ".join(sorted(f"{r.value}({r.name_zh})" for r in u.roles)),
                " ".join(sorted(u.organisations)) if u.organisations is not None else "*", u.region, u.home_site,
                u.radius_km, u.lang, "yes" if u.enabled else "no",
            )
            for u in users
        ],
    )


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    value: str = typer.prompt("Password / 密码", hide_input=True, confirmation_prompt=True)
    return value


# --- users ----------------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name (case-insensitive).")],
    role: Annotated[list[str], typer.Option("--role", help=f"Repeatable: {ROLE_HELP}.")],
    org: Annotated[list[str] | None, typer.Option("--org", help="Organisation code in scope; repeatable.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only sites of this region.")] = None,
    home_site: Annotated[str | None, typer.Option("--home-site", help="Home site code (for --radius-km).")] = None,
    radius_km: Annotated[str | None, typer.Option("--radius-km", help="Only sites within this many km.")] = None,
    display_name: Annotated[str | None, typer.Option("--display-name", help="Name shown in the console.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="The user's language: zh-CN or en.")] = "zh-CN",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a user with roles and a scope; the password is asked for twice (never echoed)."""
    app = current_app()
    password = _read_password(password_stdin)
    with app.uow() as uow:
        user = services.add_user(
            uow, username=username, password=password, display_name=display_name, roles=role,
            organisations=org or None, region=region, home_site=home_site, radius_km=radius_km, lang=lang,
            actor=_actor(),
        )
    if as_json:
        emit_json(_user_dict(user))
    else:
        console.print(f"[green]user added[/] {user.username}")


@user_app.command("role")
def user_role(
    username: Annotated[str, typer.Argument(help="Login name.")],
    roles: Annotated[list[str], typer.Argument(help=f"The user's new roles: {ROLE_HELP}.")],
    as_json: JsonOpt = False,
) -> None:
    """Replace a user's roles (effective on their next request)."""
    app = current_app()
    with app.uow() as uow:
        user = services.set_roles(uow, username=username, roles=roles, actor=_actor())
    if as_json:
        emit_json(_user_dict(user))
    else:
        console.print(f"[green]roles of {user.username}[/]: {' '.join(sorted(r.value for r in user.roles))}")


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user: their logins, tokens and keys stop working at once."""
    with current_app().uow() as uow:
        user = services.set_enabled(uow, username=username, enabled=False, actor=_actor())
    console.print(f"[yellow]user disabled[/] {user.username}")


@user_app.command("enable")
def user_enable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Re-enable a disabled user."""
    with current_app().uow() as uow:
        user = services.set_enabled(uow, username=username, enabled=True, actor=_actor())
    console.print(f"[green]user enabled[/] {user.username}")


@user_app.command("list")
def user_list(as_json: JsonOpt = False) -> None:
    """All users with their roles and scopes."""
    with current_app().uow() as uow:
        users = services.list_users(uow)
    _show_users("users / 用户", users, as_json)


# --- API keys -------------------------------------------------------------------------------


@user_app.command("key")
def user_key(
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. 'PDA-07 at ST-SH-01'.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {ROLE_HELP}.")],
    site: Annotated[str | None, typer.Option("--site", help="Bind the key to this site (required for device).")] = None,
    device: Annotated[str | None, typer.Option("--device", help="Device id, e.g. PDA-07.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Act for this user, within their scope.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an API key for an integration or a device; its secret is printed once."""
    app = current_app()
    with app.uow() as uow:
        key_id, secret = services.create_api_key(
            uow, name=name, role=role, site_code=site, device_id=device, username=user, actor=_actor()
        )
    if as_json:
        emit_json({"id": key_id, "secret": secret})
        return
    console.print(f"[green]API key created[/] {key_id}")
    console.print(secret, highlight=False, soft_wrap=True)
    err_console.print("[yellow]Store the secret now: it is not kept and cannot be shown again.[/]")


@user_app.command("keys")
def user_keys(as_json: JsonOpt = False) -> None:
    """All API keys (without secrets)."""
    with current_app().uow() as uow:
        keys = services.list_api_keys(uow)
    if as_json:
        emit_json([_key_dict(k) for k in keys])
        return
    table(
        "API keys / 密钥", ["id", "name", "role", "site", "device", "created", "revoked"],
        [(k.id, k.name, k.role, k.site_code, k.device_id, k.created_at, k.revoked_at) for k in keys],
    )


@user_app.command("revoke")
def user_revoke(key_id: Annotated[str, typer.Argument(help="The key's id.")]) -> None:
    """Revoke an API key for good."""
    try:
        parsed = UUID(key_id)
    except ValueError:
        raise InvalidInput("field.invalid", field="key", value=key_id, reason="a key id (UUID)") from None
    with current_app().uow() as uow:
        key = services.revoke_api_key(uow, key_id=parsed, actor=_actor())
    console.print(f"[yellow]API key revoked[/] {key.id} ({key.name})")


# --- audit ----------------------------------------------------------------------------------


def _entry_dict(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id, "at": entry.at, "actor": entry.actor, "action": entry.action, "resource": entry.resource,
        "outcome": entry.outcome, "source_ip": entry.source_ip, "detail": dict(entry.detail),
    }


@audit_app.command("list")
def audit_list(
    since: Annotated[str | None, typer.Option("--since", help="ISO time, e.g. 2026-05-01T00:00+08:00.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="ISO time (exclusive).")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="e.g. user:zhang or key:<id>.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="e.g. auth.login, movement.post.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="ok, refused or failed.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many, newest first (1–1000).")] = 100,
    as_json: JsonOpt = False,
) -> None:
    """The audit log, newest first."""
    with current_app().uow() as uow:
        entries = services.list_audit(
            uow, since=moment(since, field="since"), until=moment(until, field="until"), actor=actor,
            action=action, outcome=outcome, limit=limit,
        )
    if as_json:
        emit_json([_entry_dict(e) for e in entries])
        return
    table(
        "audit / 审计", ["at", "actor", "action", "resource", "outcome", "from", "detail"],
        [
            (e.at, e.actor, e.action, e.resource, e.outcome, e.source_ip,
             json.dumps(e.detail, ensure_ascii=False, separators=(",", ":")))
            for e in entries
        ],
    )
