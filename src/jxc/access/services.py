"""Access use cases: users, login and tokens, API keys, scopes and the audit log.

Each function takes the unit of work first and keyword-only arguments after; time comes from
``uow.clock`` unless a ``now`` is passed. Write use cases commit themselves and audit themselves
in the same transaction.

Invariants:
- passwords are stored only as argon2 hashes, API key secrets only as SHA-256 digests; the
  secret text is returned once, by :func:`create_api_key`;
- a failed or refused login is recorded (failure row + audit entry) and committed *before* the
  error is raised, so the rate limit holds across processes; 5 failures for one username or one
  source address within 15 minutes refuse further logins until the window passes;
- a token or key is re-checked against the database on every use: a disabled user, a revoked
  key or a role change takes effect on the next request;
- the audit log has no update or delete use case (the database refuses them as well).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any
from uuid import UUID

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.exc import IntegrityError

from jxc.access.model import (
    ACCESS_TTL,
    LOGIN_FAILURE_LIMIT,
    LOGIN_FAILURE_WINDOW,
    REFRESH_TTL,
    ApiKey,
    AuditEntry,
    Outcome,
    Policy,
    Principal,
    Role,
    Scope,
    ScopeSite,
    Session,
    Tokens,
    User,
    check_password,
    key_principal,
    locked_until,
    new_api_key,
    new_audit_entry,
    new_user,
    parse_roles,
    sites_in_scope,
    user_scope,
)
from jxc.access.repository import ApiKeyRepository, AuditRepository, LoginFailureRepository, UserRepository
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.clock import require_aware
from jxc.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from jxc.kernel.ids import new_id
from jxc.org import services as org

__all__ = [
    "add_user",
    "authenticate",
    "authorise_posting",
    "create_api_key",
    "get_user",
    "issue_tokens",
    "list_api_keys",
    "list_audit",
    "list_users",
    "login",
    "principal_for_user",
    "principal_from_api_key",
    "principal_from_token",
    "record_audit",
    "refresh",
    "revoke_api_key",
    "scope_sites",
    "set_enabled",
    "set_password",
    "set_roles",
    "site_codes_in_scope",
]

ISSUER = "jxc"
ALGORITHM = "HS256"
SECRET_MIN_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash
KEY_PREFIX = "jxk_"
AUDIT_LIMIT_MAX = 1000

_hasher = PasswordHasher()


# --- users ----------------------------------------------------------------------------------


def add_user(
    uow: SqlUnitOfWork,
    *,
    username: str,
    password: str,
    display_name: str | None = None,
    roles: Iterable[str | Role],
    organisations: Iterable[str] | None = None,
    region: str | None = None,
    home_site: str | None = None,
    radius_km: Decimal | int | str | None = None,
    lang: str = "zh-CN",
    actor: str = "system",
    source_ip: str | None = None,
) -> User:
    """Create a user with an argon2-hashed password; the organisations and home site must exist."""
    user = new_user(
        username=username, display_name=display_name, roles=roles, organisations=organisations, region=region,
        home_site=home_site, radius_km=radius_km, lang=lang,
    )
    check_password(password)
    for code in sorted(user.organisations or ()):
        org.get_organisation(uow, code)
    if user.home_site is not None:
        site = org.get_site(uow, user.home_site)
        if site.is_virtual:
            raise InvalidInput("site.virtual_mismatch", field="home_site", value=site.code, reason="a real site")
    users = uow.repository(UserRepository)
    if users.by_username(user.username) is not None:
        raise Conflict("user.duplicate", field="username", value=user.username)
    now = uow.clock.now()
    try:
        users.add(user, password_hash=_hasher.hash(password), at=now)
    except IntegrityError as exc:
        raise Conflict("user.duplicate", field="username", value=user.username) from exc
    _append(uow, actor=actor, action="user.add", resource=user.subject, source_ip=source_ip, detail={
        "roles": sorted(r.value for r in user.roles),
        "organisations": sorted(user.organisations) if user.organisations is not None else None,
        "region": user.region, "home_site": user.home_site,
        "radius_km": str(user.radius_km) if user.radius_km is not None else None,
    })
    uow.commit()
    return user


def get_user(uow: SqlUnitOfWork, username: str) -> User:
    """The user ``username`` (case-insensitive) or ``NotFound("user.not_found")``."""
    name = username.strip().casefold()
    found = uow.repository(UserRepository).by_username(name)
    if found is None:
        raise NotFound("user.not_found", field="username", value=username)
    return found


def roles_resolver(uow: SqlUnitOfWork) -> Callable[[str], frozenset[str]]:
    """Subject (``user:<name>``) → the names of the roles that user holds *now*; empty for an unknown or
    disabled user, or any other subject. For approval delegations: a role taken away is not delegated."""

    def roles_of(subject: str) -> frozenset[str]:
        kind, _, name = subject.partition(":")
        found = uow.repository(UserRepository).by_username(name.strip().casefold()) if kind == "user" else None
        return frozenset(r.value for r in found.roles) if found is not None and found.enabled else frozenset()

    return roles_of


def list_users(uow: SqlUnitOfWork) -> list[User]:
    """All users, by username."""
    return uow.repository(UserRepository).all()


def set_roles(
    uow: SqlUnitOfWork, *, username: str, roles: Iterable[str | Role], actor: str = "system",
    source_ip: str | None = None,
) -> User:
    """Replace a user's roles (effective on their next request)."""
    user = get_user(uow, username)
    checked = parse_roles(roles)
    uow.repository(UserRepository).set_roles(user.id, checked, at=uow.clock.now())
    _append(uow, actor=actor, action="user.roles", resource=user.subject, source_ip=source_ip, detail={
        "from": sorted(r.value for r in user.roles), "to": sorted(r.value for r in checked),
    })
    uow.commit()
    return get_user(uow, user.username)


def set_enabled(
    uow: SqlUnitOfWork, *, username: str, enabled: bool, actor: str = "system", source_ip: str | None = None
) -> User:
    """Disable or re-enable a user; a disabled user's tokens and keys stop working at once."""
    user = get_user(uow, username)
    uow.repository(UserRepository).set_enabled(user.id, enabled, at=uow.clock.now())
    action = "user.enable" if enabled else "user.disable"
    _append(uow, actor=actor, action=action, resource=user.subject, source_ip=source_ip, detail={})
    uow.commit()
    return get_user(uow, user.username)


def set_password(
    uow: SqlUnitOfWork, *, username: str, password: str, actor: str = "system", source_ip: str | None = None
) -> None:
    """Replace a user's password."""
    user = get_user(uow, username)
    check_password(password)
    uow.repository(UserRepository).set_password_hash(user.id, _hasher.hash(password), at=uow.clock.now())
    _append(uow, actor=actor, action="user.password", resource=user.subject, source_ip=source_ip, detail={})
    uow.commit()


# --- login and tokens -----------------------------------------------------------------------


def authenticate(
    uow: SqlUnitOfWork, *, username: str, password: str, source_ip: str | None, now: datetime | None = None
) -> Principal:
    """The principal for a correct username and password.

    Wrong password or unknown user → ``Unauthenticated("access.login_failed")`` (the same for
    both, so usernames cannot be probed). While 5 failures for this username or address lie
    within 15 minutes → ``TooManyAttempts("access.too_many_attempts", retry_after=seconds)``,
    even with the right password. Every outcome is audited as ``auth.login``.
    """
    moment = require_aware(now, field="now") if now is not None else uow.clock.now()
    name = username.strip().casefold()[:64] if isinstance(username, str) else ""
    failures = uow.repository(LoginFailureRepository)
    since = moment - LOGIN_FAILURE_WINDOW
    locks = [locked_until(failures.recent(username=name, since=since, limit=LOGIN_FAILURE_LIMIT), now=moment)]
    if source_ip:
        locks.append(
            locked_until(failures.recent(source_ip=source_ip, since=since, limit=LOGIN_FAILURE_LIMIT), now=moment)
        )
    until = max((t for t in locks if t is not None), default=None)
    resource = f"user:{name}"
    if until is not None:
        retry_after = max(1, math.ceil((until - moment).total_seconds()))
        _append(uow, actor=resource, action="auth.login", resource=resource, outcome=Outcome.REFUSED,
                source_ip=source_ip, detail={"reason": "too_many_attempts", "retry_after": retry_after}, at=moment)
        uow.commit()
        raise TooManyAttempts("access.too_many_attempts", field="username", retry_after=retry_after)

    users = uow.repository(UserRepository)
    found = users.credentials(name) if name else None
    reason: str | None = None
    if found is None:
        _verify(_dummy_hash(), password)  # spend the same time as for a real user
        reason = "unknown_user"
    elif not _verify(found[1], password):
        reason = "wrong_password"
    elif not found[0].enabled:
        reason = "disabled"
    if reason is not None or found is None:
        failures.add(username=name, source_ip=source_ip, at=moment)
        failures.prune(before=since)
        _append(uow, actor=resource, action="auth.login", resource=resource, outcome=Outcome.FAILED,
                source_ip=source_ip, detail={"reason": reason}, at=moment)
        uow.commit()
        raise Unauthenticated("access.login_failed", field="password")

    user, stored = found
    failures.clear(name)
    if _hasher.check_needs_rehash(stored):  # parameters were raised since this hash was made
        users.set_password_hash(user.id, _hasher.hash(password), at=moment)
    _append(uow, actor=user.subject, action="auth.login", resource=user.subject, source_ip=source_ip,
            detail={}, at=moment)
    uow.commit()
    return principal_for_user(uow, user)


def issue_tokens(principal: Principal, *, secret: str, now: datetime) -> Tokens:
    """A signed access token (15 minutes) and refresh token (7 days), HS256 with ``jti``, ``sub``, ``typ``."""
    key = _secret(secret)
    moment = require_aware(now, field="now")
    access_exp = _whole_seconds(moment + ACCESS_TTL)
    refresh_exp = _whole_seconds(moment + REFRESH_TTL)
    return Tokens(
        access_token=_sign(principal.subject, "access", moment, access_exp, key),
        refresh_token=_sign(principal.subject, "refresh", moment, refresh_exp, key),
        access_expires_at=access_exp,
        refresh_expires_at=refresh_exp,
    )


def login(
    uow: SqlUnitOfWork, *, username: str, password: str, source_ip: str | None, secret: str,
    now: datetime | None = None,
) -> Session:
    """:func:`authenticate`, then :func:`issue_tokens` — what ``POST /auth/login`` needs."""
    moment = now or uow.clock.now()
    principal = authenticate(uow, username=username, password=password, source_ip=source_ip, now=moment)
    return Session(principal=principal, tokens=issue_tokens(principal, secret=secret, now=moment))


def principal_from_token(
    uow: SqlUnitOfWork, token: str, *, secret: str, now: datetime | None = None, expected: str = "access"
) -> Principal:
    """The principal a token names, re-read from the database (disabled users are refused).

    Invalid signature, wrong type, expired, unknown or disabled user → ``access.token_invalid``.
    """
    key = _secret(secret)
    moment = require_aware(now, field="now") if now is not None else uow.clock.now()
    try:
        # Expiry is checked against our clock below, not PyJWT's wall clock.
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], issuer=ISSUER,
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                     "require": ["exp", "iat", "sub", "typ", "jti", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated("access.token_invalid", field="token") from exc
    exp = claims.get("exp")
    if claims.get("typ") != expected or not isinstance(exp, int) or moment.timestamp() >= exp:
        raise Unauthenticated("access.token_invalid", field="token")
    subject = str(claims.get("sub", ""))
    kind, _, name = subject.partition(":")
    user = uow.repository(UserRepository).by_username(name) if kind == "user" else None
    if user is None or not user.enabled:
        raise Unauthenticated("access.token_invalid", field="token")
    return principal_for_user(uow, user)


def refresh(uow: SqlUnitOfWork, refresh_token: str, *, secret: str, now: datetime | None = None) -> Session:
    """A new token pair for a valid refresh token (roles and scope re-read from the database)."""
    moment = now or uow.clock.now()
    principal = principal_from_token(uow, refresh_token, secret=secret, now=moment, expected="refresh")
    return Session(principal=principal, tokens=issue_tokens(principal, secret=secret, now=moment))


def principal_for_user(uow: SqlUnitOfWork, user: User) -> Principal:
    """The principal a user acts as: their roles and the scope their settings describe."""
    return Principal(
        subject=user.subject, roles=user.roles, scope=_user_scope(uow, user), lang=user.lang,
        display_name=user.display_name,
    )


# --- API keys -------------------------------------------------------------------------------


def create_api_key(
    uow: SqlUnitOfWork,
    *,
    name: str,
    role: str | Role,
    site_code: str | None = None,
    device_id: str | None = None,
    username: str | None = None,
    actor: str = "system",
    source_ip: str | None = None,
) -> tuple[UUID, str]:
    """A new key and its secret text (shown once; only its SHA-256 digest is kept).

    A device key must be bound to a site. A key made for a user holds one of the user's roles
    and acts within the user's scope, narrowed to its site.
    """
    owner = get_user(uow, username) if username else None
    key = new_api_key(
        name=name, role=role, site_code=site_code, device_id=device_id, user=owner, created_at=uow.clock.now()
    )
    if key.site_code is not None:
        site = org.get_site(uow, key.site_code)
        if site.is_virtual:
            raise InvalidInput("site.virtual_mismatch", field="site", value=site.code, reason="a real site")
        if owner is not None and not _user_scope(uow, owner).admits(scope_sites(uow, [site.code])[site.code]):
            raise Forbidden("access.out_of_scope", field="site", subject=owner.subject, value=site.code)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    uow.repository(ApiKeyRepository).add(key, secret_hash=_digest(secret))
    _append(uow, actor=actor, action="api_key.create", resource=key.subject, source_ip=source_ip, detail={
        "name": key.name, "role": key.role.value, "site": key.site_code, "device": key.device_id,
        "user": owner.username if owner else None,
    })
    uow.commit()
    return key.id, secret


def principal_from_api_key(uow: SqlUnitOfWork, text: str) -> Principal:
    """The principal an ``X-Api-Key`` acts as, or ``Unauthenticated("access.key_invalid")``."""
    if not isinstance(text, str) or not text.startswith(KEY_PREFIX) or len(text) > 200:
        raise Unauthenticated("access.key_invalid", field="api_key")
    key = uow.repository(ApiKeyRepository).by_secret_hash(_digest(text))
    if key is None or key.revoked_at is not None:
        raise Unauthenticated("access.key_invalid", field="api_key")
    owner = None
    if key.user_id is not None:
        owner = uow.repository(UserRepository).by_id(key.user_id)
        if owner is None or not owner.enabled:
            raise Unauthenticated("access.key_invalid", field="api_key")
    return key_principal(key, owner=owner, owner_scope=_user_scope(uow, owner) if owner else None)


def revoke_api_key(
    uow: SqlUnitOfWork, *, key_id: UUID, actor: str = "system", source_ip: str | None = None
) -> ApiKey:
    """Revoke a key for good (revoking twice changes nothing)."""
    keys = uow.repository(ApiKeyRepository)
    key = keys.by_id(key_id)
    if key is None:
        raise NotFound("api_key.not_found", field="key", value=str(key_id))
    keys.revoke(key.id, at=uow.clock.now())
    _append(uow, actor=actor, action="api_key.revoke", resource=key.subject, source_ip=source_ip, detail={})
    uow.commit()
    revoked = keys.by_id(key.id)
    assert revoked is not None
    return revoked


def list_api_keys(uow: SqlUnitOfWork) -> list[ApiKey]:
    """All keys, oldest first (secrets are never stored, so never listed)."""
    return uow.repository(ApiKeyRepository).all()


# --- scopes ---------------------------------------------------------------------------------


_SCOPE_SITES_TTL = 30.0  # seconds; site coordinates, regions and owners change rarely
_scope_cache: dict[str, tuple[float, dict[str, ScopeSite]]] = {}


def scope_sites(uow: SqlUnitOfWork, codes: Iterable[str] | None = None) -> dict[str, ScopeSite]:
    """Scope facts of the sites ``codes`` that exist (all sites when ``None``), by code.

    Read once per 30 s per process and database (every request asks): a new or moved site is
    seen by access checks within that time.
    """
    key = uow.engine.url.render_as_string()
    cached = _scope_cache.get(key)
    now = time.monotonic()
    if cached is None or cached[0] < now:
        cached = (now + _SCOPE_SITES_TTL, _load_scope_sites(uow))
        _scope_cache[key] = cached
    every = cached[1]
    if codes is None:
        return dict(every)
    wanted = list(codes)
    if any(code not in every for code in wanted):  # a site registered since the last read
        _scope_cache.pop(key, None)
        every = scope_sites(uow)
    return {code: every[code] for code in wanted if code in every}


def forget_scope_sites(_event: object = None) -> None:
    """Drop the cached site facts (wired to ``SiteRegistered`` by bootstrap)."""
    _scope_cache.clear()


def _load_scope_sites(uow: SqlUnitOfWork) -> dict[str, ScopeSite]:
    sites = org.list_sites(uow)
    org_ids = {s.organisation_id for s in sites if s.organisation_id is not None}
    org_codes = {k: v.code for k, v in org.organisations_by_id(uow, org_ids).items()} if org_ids else {}
    return {
        s.code: ScopeSite(
            code=s.code, organisation=org_codes.get(s.organisation_id) if s.organisation_id else None,
            region=s.region, latitude=s.latitude, longitude=s.longitude, is_virtual=s.is_virtual,
        )
        for s in sites
    }


def site_codes_in_scope(uow: SqlUnitOfWork, principal: Principal) -> frozenset[str] | None:
    """The real sites the principal may see, or ``None`` when the scope is unrestricted.

    Queries put this set into their ``WHERE site IN (…)`` so rows outside the scope are never
    fetched (``None`` means no site condition at all).
    """
    if principal.scope.unrestricted:
        return None
    return sites_in_scope(principal, scope_sites(uow).values())


def authorise_posting(
    uow: SqlUnitOfWork,
    principal: Principal,
    *,
    policy: Policy,
    kind: str,
    site_codes: Iterable[str],
    action: str = "movement.post",
) -> None:
    """Refuse (``Forbidden``) a posting the policy does not allow; see :meth:`Policy.check_posting`."""
    codes = list(dict.fromkeys(site_codes))
    policy.check_posting(principal, kind=kind, site_codes=codes, sites=scope_sites(uow, codes), action=action)


# --- audit ----------------------------------------------------------------------------------


def record_audit(
    uow: SqlUnitOfWork,
    *,
    actor: str,
    action: str,
    resource: str,
    outcome: str | Outcome,
    source_ip: str | None = None,
    detail: Mapping[str, Any] | None = None,
    commit: bool = True,
) -> AuditEntry:
    """Append one audit entry; ``commit=False`` leaves it in the caller's transaction.

    Record a refusal in its own unit of work: the refused request's unit rolls back.
    """
    entry = _append(uow, actor=actor, action=action, resource=resource, outcome=outcome, source_ip=source_ip,
                    detail=detail)
    if commit:
        uow.commit()
    return entry


def list_audit(
    uow: SqlUnitOfWork,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    outcome: str | Outcome | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Audit entries, newest first, optionally from ``since`` (inclusive) to ``until`` (exclusive)."""
    if not 1 <= limit <= AUDIT_LIMIT_MAX:
        raise InvalidInput("field.invalid", field="limit", value=str(limit), reason=f"1–{AUDIT_LIMIT_MAX}")
    checked = None
    if outcome is not None:
        try:
            checked = Outcome(outcome)
        except ValueError:
            raise InvalidInput(
                "field.invalid", field="outcome", value=str(outcome), reason="ok, refused or failed"
            ) from None
    return uow.repository(AuditRepository).query(
        since=require_aware(since, field="since") if since else None,
        until=require_aware(until, field="until") if until else None,
        actor=actor, action=action, outcome=checked, limit=limit,
    )


# --- helpers --------------------------------------------------------------------------------


def _append(
    uow: SqlUnitOfWork,
    *,
    actor: str,
    action: str,
    resource: str,
    source_ip: str | None,
    detail: Mapping[str, Any] | None,
    outcome: str | Outcome = Outcome.OK,
    at: datetime | None = None,
) -> AuditEntry:
    entry = new_audit_entry(
        at=at or uow.clock.now(), actor=actor, action=action, resource=resource, outcome=outcome,
        source_ip=source_ip, detail=_json_safe(dict(detail or {})),
    )
    uow.repository(AuditRepository).append(entry)
    return entry


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return str(value)  # Decimal, UUID and anything else: their text


def _user_scope(uow: SqlUnitOfWork, user: User) -> Scope:
    home = scope_sites(uow, [user.home_site]).get(user.home_site) if user.home_site else None
    return user_scope(user, home=home)


def _verify(stored: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _secret(secret: str) -> bytes:
    key = secret.encode() if isinstance(secret, str) else b""
    if len(key) < SECRET_MIN_BYTES:
        raise InvalidInput("access.secret_too_short", field="secret_key", min=SECRET_MIN_BYTES)
    return key


def _whole_seconds(moment: datetime) -> datetime:
    return datetime.fromtimestamp(int(moment.timestamp()), UTC)


def _sign(subject: str, typ: str, issued: datetime, expires: datetime, key: bytes) -> str:
    claims = {
        "iss": ISSUER, "sub": subject, "typ": typ, "jti": new_id().hex,
        "iat": int(issued.timestamp()), "exp": int(expires.timestamp()),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)
