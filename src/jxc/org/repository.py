"""Org persistence behind the services: organisations, sites, bins and projects.

Invariants:
- lookups by many keys are set-based, one query per 500 keys (``IN`` lists are chunked);
- rows become model objects without re-validation (they were validated on the way in);
- :meth:`SiteRepository.add_missing` inserts with ``ON CONFLICT DO NOTHING`` so two
  processes running ``jxc init`` at once both succeed and leave one virtual site per role.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Connection, Insert, Row, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from jxc.org.model import (
    Bin,
    Organisation,
    Project,
    ProjectStatus,
    Relation,
    Site,
    SiteKind,
    VirtualRole,
)
from jxc.org.tables import org_bins, org_organisations, org_projects, org_sites

CHUNK = 500
K = TypeVar("K")


def chunks(values: Iterable[K], size: int = CHUNK) -> Iterator[list[K]]:
    """Split ``values`` (deduplicated, order kept) into lists of at most ``size``."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


class OrganisationRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, organisation: Organisation, *, parent_id: UUID | None, created_at: datetime) -> None:
        self.connection.execute(
            insert(org_organisations).values(
                id=organisation.id,
                code=organisation.code,
                name_zh=organisation.name_zh,
                name_en=organisation.name_en,
                relation=organisation.relation.value,
                parent_id=parent_id,
                attributes=organisation.attributes,
                created_at=created_at,
            )
        )

    def by_codes(self, codes: Iterable[str]) -> dict[str, Organisation]:
        found: dict[str, Organisation] = {}
        for batch in chunks(codes):
            found.update((o.code, o) for o in self._select(org_organisations.c.code.in_(batch)))
        return found

    def by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Organisation]:
        found: dict[UUID, Organisation] = {}
        for batch in chunks(ids):
            found.update((o.id, o) for o in self._select(org_organisations.c.id.in_(batch)))
        return found

    def all(self) -> list[Organisation]:
        return self._select(None)

    def _select(self, condition: Any) -> list[Organisation]:
        parent = org_organisations.alias("parent")
        query = (
            select(org_organisations, parent.c.code.label("parent_code"))
            .outerjoin(parent, parent.c.id == org_organisations.c.parent_id)
            .order_by(org_organisations.c.code)
        )
        if condition is not None:
            query = query.where(condition)
        return [
            Organisation(
                id=row.id,
                code=row.code,
                name_zh=row.name_zh,
                name_en=row.name_en,
                relation=Relation(row.relation),
                parent_code=row.parent_code,
                attributes=dict(row.attributes or {}),
            )
            for row in self.connection.execute(query)
        ]


class SiteRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, site: Site, *, created_at: datetime) -> None:
        self.connection.execute(insert(org_sites).values(**_site_row(site, created_at)))

    def add_missing(self, sites: Sequence[Site], *, created_at: datetime) -> None:
        """Insert ``sites``, silently skipping any whose code or virtual role already exists."""
        rows = [_site_row(site, created_at) for site in sites]
        dialect = self.connection.dialect.name
        statement: Insert
        if dialect == "postgresql":
            statement = postgresql.insert(org_sites).on_conflict_do_nothing()
        elif dialect == "sqlite":
            statement = sqlite.insert(org_sites).on_conflict_do_nothing()
        else:  # no portable upsert: check first (good enough without concurrent writers)
            present = set(self.connection.scalars(select(org_sites.c.code)))
            rows = [row for row in rows if row["code"] not in present]
            statement = insert(org_sites)
        if rows:
            self.connection.execute(statement, rows)

    def by_codes(self, codes: Iterable[str]) -> dict[str, Site]:
        found: dict[str, Site] = {}
        for batch in chunks(codes):
            found.update((s.code, s) for s in self._select(org_sites.c.code.in_(batch)))
        return found

    def by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Site]:
        found: dict[UUID, Site] = {}
        for batch in chunks(ids):
            found.update((s.id, s) for s in self._select(org_sites.c.id.in_(batch)))
        return found

    def matching(
        self, *, kind: SiteKind | None, organisation_id: UUID | None, region: str | None
    ) -> list[Site]:
        conditions = []
        if kind is not None:
            conditions.append(org_sites.c.kind == kind.value)
        if organisation_id is not None:
            conditions.append(org_sites.c.organisation_id == organisation_id)
        if region is not None:
            conditions.append(org_sites.c.region == region)
        return self._select(*conditions)

    def _select(self, *conditions: Any) -> list[Site]:
        query = select(org_sites).where(*conditions).order_by(org_sites.c.code)
        return [_site_from_row(row) for row in self.connection.execute(query)]


class BinRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, bins: Sequence[Bin]) -> None:
        for batch in chunks(bins, 5000):
            self.connection.execute(
                insert(org_bins),
                [
                    {
                        "id": b.id,
                        "site_id": b.site_id,
                        "code": b.code,
                        "x": b.x,
                        "y": b.y,
                        "z": b.z,
                        "zone": b.zone,
                    }
                    for b in batch
                ],
            )

    def by_codes(self, site_id: UUID, codes: Iterable[str]) -> dict[str, Bin]:
        found: dict[str, Bin] = {}
        for batch in chunks(codes):
            found.update(
                (b.code, b) for b in self._select(org_bins.c.site_id == site_id, org_bins.c.code.in_(batch))
            )
        return found

    def by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Bin]:
        found: dict[UUID, Bin] = {}
        for batch in chunks(ids):
            found.update((b.id, b) for b in self._select(org_bins.c.id.in_(batch)))
        return found

    def of_site(self, site_id: UUID) -> list[Bin]:
        return self._select(org_bins.c.site_id == site_id)

    def _select(self, *conditions: Any) -> list[Bin]:
        query = select(org_bins).where(*conditions).order_by(org_bins.c.site_id, org_bins.c.code)
        return [
            Bin(id=row.id, site_id=row.site_id, code=row.code, x=row.x, y=row.y, z=row.z, zone=row.zone)
            for row in self.connection.execute(query)
        ]


class ProjectRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, project: Project, *, created_at: datetime) -> None:
        self.connection.execute(
            insert(org_projects).values(
                id=project.id,
                code=project.code,
                name=project.name,
                organisation_id=project.organisation_id,
                site_id=project.site_id,
                status=project.status.value,
                created_at=created_at,
            )
        )

    def set_status(self, project_id: UUID, status: ProjectStatus) -> None:
        self.connection.execute(
            update(org_projects).where(org_projects.c.id == project_id).values(status=status.value)
        )

    def by_codes(self, codes: Iterable[str]) -> dict[str, Project]:
        found: dict[str, Project] = {}
        for batch in chunks(codes):
            found.update((p.code, p) for p in self._select(org_projects.c.code.in_(batch)))
        return found

    def by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Project]:
        found: dict[UUID, Project] = {}
        for batch in chunks(ids):
            found.update((p.id, p) for p in self._select(org_projects.c.id.in_(batch)))
        return found

    def matching(self, *, organisation_id: UUID | None, status: ProjectStatus | None) -> list[Project]:
        conditions = []
        if organisation_id is not None:
            conditions.append(org_projects.c.organisation_id == organisation_id)
        if status is not None:
            conditions.append(org_projects.c.status == status.value)
        return self._select(*conditions)

    def _select(self, *conditions: Any) -> list[Project]:
        query = select(org_projects).where(*conditions).order_by(org_projects.c.code)
        return [
            Project(
                id=row.id,
                code=row.code,
                name=row.name,
                organisation_id=row.organisation_id,
                site_id=row.site_id,
                status=ProjectStatus(row.status),
            )
            for row in self.connection.execute(query)
        ]


def _site_row(site: Site, created_at: datetime) -> dict[str, Any]:
    return {
        "id": site.id,
        "code": site.code,
        "name_zh": site.name_zh,
        "name_en": site.name_en,
        "kind": site.kind.value,
        "organisation_id": site.organisation_id,
        "region": site.region,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "timezone": site.timezone,
        "allow_negative": site.allow_negative,
        "virtual_role": site.virtual_role.value if site.virtual_role is not None else None,
        "channel": site.channel,
        "created_at": created_at,
    }


def _site_from_row(row: Row[Any]) -> Site:
    return Site(
        id=row.id,
        code=row.code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        kind=SiteKind(row.kind),
        organisation_id=row.organisation_id,
        region=row.region,
        latitude=row.latitude,
        longitude=row.longitude,
        timezone=row.timezone,
        allow_negative=row.allow_negative,
        virtual_role=VirtualRole(row.virtual_role) if row.virtual_role is not None else None,
        channel=row.channel,
    )
