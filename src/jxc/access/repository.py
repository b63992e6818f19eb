"""Access persistence behind the services: users, API keys, login failures and the audit log.

Invariants:
- the audit repository can only insert and select — there is no update or delete path (and the
  database refuses them too, see :mod:`jxc.access.tables`);
- rows become model objects without re-validation (they were validated on the way in);
- login-failure queries read at most ``limit`` rows, newest first, through (key, at) indexes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Row, delete, insert, null, select, update

from jxc.access.model import ApiKey, AuditEntry, Outcome, Role, User
from jxc.access.tables import acc_api_keys, acc_audit, acc_login_failures, acc_users
from jxc.kernel.ids import new_id


def _user(row: Row[Any]) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        roles=frozenset(Role(r) for r in row.roles),
        organisations=frozenset(row.organisations) if row.organisations is not None else None,
        region=row.region,
        home_site=row.home_site,
        radius_km=row.radius_km,
        lang=row.lang,
        enabled=row.enabled,
    )


def _roles(roles: Iterable[Role]) -> list[str]:
    return sorted(r.value for r in roles)


class UserRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, user: User, *, password_hash: str, at: datetime) -> None:
        self.connection.execute(
            insert(acc_users).values(
                id=user.id,
                username=user.username,
                display_name=user.display_name,
                password_hash=password_hash,
                roles=_roles(user.roles),
                organisations=sorted(user.organisations) if user.organisations is not None else null(),
                region=user.region,
                home_site=user.home_site,
                radius_km=user.radius_km,
                lang=user.lang,
                enabled=user.enabled,
                created_at=at,
                updated_at=at,
            )
        )

    def credentials(self, username: str) -> tuple[User, str] | None:
        """The user and their password hash."""
        row = self.connection.execute(select(acc_users).where(acc_users.c.username == username)).first()
        return None if row is None else (_user(row), row.password_hash)

    def by_username(self, username: str) -> User | None:
        found = self.credentials(username)
        return None if found is None else found[0]

    def by_id(self, user_id: UUID) -> User | None:
        row = self.connection.execute(select(acc_users).where(acc_users.c.id == user_id)).first()
        return None if row is None else _user(row)

    def all(self) -> list[User]:
        return [_user(r) for r in self.connection.execute(select(acc_users).order_by(acc_users.c.username))]

    def set_roles(self, user_id: UUID, roles: Iterable[Role], *, at: datetime) -> None:
        self._update(user_id, at, roles=_roles(roles))

    def set_enabled(self, user_id: UUID, enabled: bool, *, at: datetime) -> None:
        self._update(user_id, at, enabled=enabled)

    def set_password_hash(self, user_id: UUID, password_hash: str, *, at: datetime) -> None:
        self._update(user_id, at, password_hash=password_hash)

    def _update(self, user_id: UUID, at: datetime, **values: Any) -> None:
        self.connection.execute(update(acc_users).where(acc_users.c.id == user_id).values(updated_at=at, **values))


def _key(row: Row[Any]) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        site_code=row.site_code,
        device_id=row.device_id,
        user_id=row.user_id,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class ApiKeyRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, key: ApiKey, *, secret_hash: str) -> None:
        self.connection.execute(
            insert(acc_api_keys).values(
                id=key.id,
                name=key.name,
                secret_hash=secret_hash,
                role=key.role.value,
                site_code=key.site_code,
                device_id=key.device_id,
                user_id=key.user_id,
                created_at=key.created_at,
                revoked_at=None,
            )
        )

    def by_secret_hash(self, secret_hash: str) -> ApiKey | None:
        row = self.connection.execute(select(acc_api_keys).where(acc_api_keys.c.secret_hash == secret_hash)).first()
        return None if row is None else _key(row)

    def by_id(self, key_id: UUID) -> ApiKey | None:
        row = self.connection.execute(select(acc_api_keys).where(acc_api_keys.c.id == key_id)).first()
        return None if row is None else _key(row)

    def all(self) -> list[ApiKey]:
        query = select(acc_api_keys).order_by(acc_api_keys.c.created_at, acc_api_keys.c.id)
        return [_key(r) for r in self.connection.execute(query)]

    def revoke(self, key_id: UUID, *, at: datetime) -> None:
        self.connection.execute(
            update(acc_api_keys)
            .where(acc_api_keys.c.id == key_id, acc_api_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )


class LoginFailureRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, *, username: str, source_ip: str | None, at: datetime) -> None:
        self.connection.execute(
            insert(acc_login_failures).values(id=new_id(), username=username, source_ip=source_ip, at=at)
        )

    def recent(
        self, *, username: str | None = None, source_ip: str | None = None, since: datetime, limit: int
    ) -> list[datetime]:
        """Times of the newest ``limit`` failures after ``since`` for one username or one address."""
        table = acc_login_failures
        key = table.c.username == username if username is not None else table.c.source_ip == source_ip
        query = select(table.c.at).where(key, table.c.at > since).order_by(table.c.at.desc()).limit(limit)
        return [at for (at,) in self.connection.execute(query)]

    def clear(self, username: str) -> None:
        self.connection.execute(delete(acc_login_failures).where(acc_login_failures.c.username == username))

    def prune(self, *, before: datetime) -> None:
        self.connection.execute(delete(acc_login_failures).where(acc_login_failures.c.at <= before))


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        resource=row.resource,
        outcome=Outcome(row.outcome),
        source_ip=row.source_ip,
        detail=row.detail,
    )


class AuditRepository:
    """Insert and select only: the audit log is append-only."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def append(self, entry: AuditEntry) -> None:
        self.connection.execute(
            insert(acc_audit).values(
                id=entry.id,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                resource=entry.resource,
                outcome=entry.outcome.value,
                source_ip=entry.source_ip,
                detail=dict(entry.detail),
            )
        )

    def query(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        actor: str | None,
        action: str | None,
        outcome: Outcome | None,
        limit: int,
    ) -> list[AuditEntry]:
        """Newest first (ties broken by the time-ordered id)."""
        table = acc_audit
        query = select(table).order_by(table.c.at.desc(), table.c.id.desc()).limit(limit)
        if since is not None:
            query = query.where(table.c.at >= since)
        if until is not None:
            query = query.where(table.c.at < until)
        if actor is not None:
            query = query.where(table.c.actor == actor)
        if action is not None:
            query = query.where(table.c.action == action)
        if outcome is not None:
            query = query.where(table.c.outcome == outcome.value)
        return [_entry(r) for r in self.connection.execute(query)]
