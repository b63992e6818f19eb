"""Org use cases: organisations, sites (real and virtual), bins and projects.

Each function takes the unit of work first and keyword-only arguments after. Write use cases
commit themselves; if they raise, nothing they did is kept (the unit of work rolls back).

Invariants:
- references are by business code at this boundary (``organisation_code``, ``site_code``) and
  resolved here; an unknown one is ``NotFound`` naming the field;
- a duplicate code is a ``Conflict`` with the context's ``*.duplicate`` code, checked up front
  and backed by the database's unique keys (a racing writer gets the same ``Conflict``);
- :func:`ensure_virtual_sites` is idempotent and safe to run concurrently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import Conflict, NotFound
from jxc.org.model import (
    DEFAULT_TIMEZONE,
    Bin,
    BinSpec,
    Organisation,
    OrganisationRegistered,
    Project,
    ProjectRegistered,
    ProjectStatus,
    Relation,
    Site,
    SiteKind,
    SiteRegistered,
    VirtualRole,
    new_bin,
    new_organisation,
    new_project,
    new_site,
    parse_enum,
    virtual_site,
)
from jxc.org.repository import BinRepository, OrganisationRepository, ProjectRepository, SiteRepository

__all__ = [
    "BinSpec",
    "add_bin",
    "add_bins",
    "bins_by_id",
    "close_project",
    "ensure_virtual_sites",
    "get_bin",
    "get_organisation",
    "get_project",
    "get_site",
    "list_bins",
    "list_organisations",
    "list_projects",
    "list_sites",
    "organisations_by_id",
    "projects_by_id",
    "register_organisation",
    "register_project",
    "register_site",
    "sites_by_code",
    "sites_by_id",
]

Number = Decimal | int | float | str


# --- organisations --------------------------------------------------------------------------


def register_organisation(
    uow: SqlUnitOfWork,
    *,
    code: str,
    name_zh: str,
    name_en: str,
    relation: str | Relation,
    parent_code: str | None = None,
    attributes: Mapping[str, str] | None = None,
) -> Organisation:
    """Register a legal entity, optionally under an existing parent organisation."""
    organisation = new_organisation(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        relation=relation,
        parent_code=parent_code,
        attributes=attributes,
    )
    repository = uow.repository(OrganisationRepository)
    known = repository.by_codes([c for c in (organisation.code, organisation.parent_code) if c])
    if organisation.code in known:
        raise Conflict("org.duplicate", field="code", value=organisation.code)
    parent_id = None
    if organisation.parent_code is not None:
        parent = known.get(organisation.parent_code)
        if parent is None:
            raise NotFound("org.not_found", field="parent_code", value=organisation.parent_code)
        parent_id = parent.id
    try:
        repository.add(organisation, parent_id=parent_id, created_at=uow.clock.now())
    except IntegrityError as exc:
        raise Conflict("org.duplicate", field="code", value=organisation.code) from exc
    uow.record(OrganisationRegistered(organisation_id=organisation.id, code=organisation.code))
    uow.commit()
    return organisation


def get_organisation(uow: SqlUnitOfWork, code: str) -> Organisation:
    """The organisation with ``code`` or ``NotFound("org.not_found", field="organisation")``."""
    found = uow.repository(OrganisationRepository).by_codes([code.strip()]).get(code.strip())
    if found is None:
        raise NotFound("org.not_found", field="organisation", value=code)
    return found


def organisations_by_id(uow: SqlUnitOfWork, ids: Iterable[UUID]) -> dict[UUID, Organisation]:
    """The organisations among ``ids`` that exist, by id."""
    return uow.repository(OrganisationRepository).by_ids(ids)


def list_organisations(uow: SqlUnitOfWork) -> list[Organisation]:
    """All organisations, by code."""
    return uow.repository(OrganisationRepository).all()


# --- sites ----------------------------------------------------------------------------------


def register_site(
    uow: SqlUnitOfWork,
    *,
    code: str,
    name_zh: str,
    name_en: str,
    kind: str | SiteKind,
    organisation_code: str,
    latitude: Number,
    longitude: Number,
    region: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    allow_negative: bool = False,
    channel: str | None = None,
) -> Site:
    """Register a warehouse, store or channel site of an existing organisation."""
    organisation = get_organisation(uow, organisation_code)
    site = new_site(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        kind=kind,
        organisation_id=organisation.id,
        latitude=latitude,
        longitude=longitude,
        region=region,
        timezone=timezone,
        allow_negative=allow_negative,
        channel=channel,
    )
    repository = uow.repository(SiteRepository)
    if repository.by_codes([site.code]):
        raise Conflict("site.duplicate", field="code", value=site.code)
    try:
        repository.add(site, created_at=uow.clock.now())
    except IntegrityError as exc:
        raise Conflict("site.duplicate", field="code", value=site.code) from exc
    uow.record(SiteRegistered(site_id=site.id, code=site.code, kind=site.kind))
    uow.commit()
    return site


def ensure_virtual_sites(uow: SqlUnitOfWork) -> dict[VirtualRole, Site]:
    """Create whichever virtual sites are missing (idempotent); returns all of them by role."""
    repository = uow.repository(SiteRepository)
    present = _virtual_sites(repository)
    missing = [virtual_site(role) for role in VirtualRole if role not in present]
    if not missing:
        return present
    repository.add_missing(missing, created_at=uow.clock.now())
    # Re-read: a concurrent `jxc init` may have inserted some of them with other ids.
    present = _virtual_sites(repository)
    uow.commit()
    return present


def get_site(uow: SqlUnitOfWork, code: str) -> Site:
    """The site with ``code`` (virtual codes like ``@supplier`` included) or ``NotFound``."""
    found = uow.repository(SiteRepository).by_codes([code.strip()]).get(code.strip())
    if found is None:
        raise NotFound("site.not_found", field="site", value=code)
    return found


def sites_by_code(uow: SqlUnitOfWork, codes: Iterable[str]) -> dict[str, Site]:
    """The sites among ``codes`` that exist, by code."""
    return uow.repository(SiteRepository).by_codes(codes)


def sites_by_id(uow: SqlUnitOfWork, ids: Iterable[UUID]) -> dict[UUID, Site]:
    """The sites among ``ids`` that exist, by id."""
    return uow.repository(SiteRepository).by_ids(ids)


def list_sites(
    uow: SqlUnitOfWork,
    *,
    kind: str | SiteKind | None = None,
    organisation_code: str | None = None,
    region: str | None = None,
) -> list[Site]:
    """Sites by code, optionally only of one kind, organisation or region."""
    checked_kind = parse_enum(SiteKind, kind, field="kind") if kind is not None else None
    organisation_id = get_organisation(uow, organisation_code).id if organisation_code else None
    return uow.repository(SiteRepository).matching(
        kind=checked_kind, organisation_id=organisation_id, region=region
    )


def _virtual_sites(repository: SiteRepository) -> dict[VirtualRole, Site]:
    sites = repository.matching(kind=SiteKind.VIRTUAL, organisation_id=None, region=None)
    return {site.virtual_role: site for site in sites if site.virtual_role is not None}


# --- bins -----------------------------------------------------------------------------------


def add_bin(
    uow: SqlUnitOfWork,
    *,
    site_code: str,
    code: str,
    x: Decimal | int | str,
    y: Decimal | int | str,
    z: Decimal | int | str,
    zone: str | None = None,
) -> Bin:
    """Add one bin at position (x, y, z) metres to a real site."""
    site = get_site(uow, site_code)
    (created,) = _insert_bins(uow, site, [BinSpec(code=code, x=x, y=y, z=z, zone=zone)])
    uow.commit()
    return created


def add_bins(uow: SqlUnitOfWork, site_code: str, specs: Sequence[BinSpec]) -> int:
    """Add many bins to one site in one transaction (all or nothing); returns how many."""
    site = get_site(uow, site_code)
    created = _insert_bins(uow, site, specs)
    uow.commit()
    return len(created)


def get_bin(uow: SqlUnitOfWork, *, site_code: str, code: str) -> Bin:
    """The bin ``code`` of site ``site_code`` or ``NotFound("bin.not_found")``."""
    site = get_site(uow, site_code)
    found = uow.repository(BinRepository).by_codes(site.id, [code.strip()]).get(code.strip())
    if found is None:
        raise NotFound("bin.not_found", field="bin", value=code, site=site.code)
    return found


def bins_by_id(uow: SqlUnitOfWork, ids: Iterable[UUID]) -> dict[UUID, Bin]:
    """The bins among ``ids`` that exist, by id."""
    return uow.repository(BinRepository).by_ids(ids)


def list_bins(uow: SqlUnitOfWork, *, site_code: str) -> list[Bin]:
    """The bins of one site, by code."""
    return uow.repository(BinRepository).of_site(get_site(uow, site_code).id)


def _insert_bins(uow: SqlUnitOfWork, site: Site, specs: Sequence[BinSpec]) -> list[Bin]:
    bins = [new_bin(site=site, code=s.code, x=s.x, y=s.y, z=s.z, zone=s.zone) for s in specs]
    seen: set[str] = set()
    for candidate in bins:
        if candidate.code in seen:
            raise Conflict("bin.duplicate", field="code", value=f"{site.code}/{candidate.code}")
        seen.add(candidate.code)
    repository = uow.repository(BinRepository)
    existing = repository.by_codes(site.id, seen)
    if existing:
        raise Conflict("bin.duplicate", field="code", value=f"{site.code}/{min(existing)}")
    try:
        repository.add(bins)
    except IntegrityError as exc:
        raise Conflict("bin.duplicate", field="code", value=site.code) from exc
    return bins


# --- projects -------------------------------------------------------------------------------


def register_project(
    uow: SqlUnitOfWork,
    *,
    code: str,
    name: str,
    organisation_code: str,
    site_code: str | None = None,
) -> Project:
    """Open a project (work-site number) for an organisation, optionally tied to a site."""
    organisation = get_organisation(uow, organisation_code)
    site = get_site(uow, site_code) if site_code else None
    project = new_project(code=code, name=name, organisation_id=organisation.id, site=site)
    repository = uow.repository(ProjectRepository)
    if repository.by_codes([project.code]):
        raise Conflict("project.duplicate", field="code", value=project.code)
    try:
        repository.add(project, created_at=uow.clock.now())
    except IntegrityError as exc:
        raise Conflict("project.duplicate", field="code", value=project.code) from exc
    uow.record(ProjectRegistered(project_id=project.id, code=project.code))
    uow.commit()
    return project


def close_project(uow: SqlUnitOfWork, code: str) -> Project:
    """Mark a project closed (closing a closed project changes nothing)."""
    project = get_project(uow, code)
    closed = project.close()
    if closed.status is not project.status:
        uow.repository(ProjectRepository).set_status(project.id, closed.status)
        uow.commit()
    return closed


def get_project(uow: SqlUnitOfWork, code: str) -> Project:
    """The project with ``code`` or ``NotFound("project.not_found")``."""
    found = uow.repository(ProjectRepository).by_codes([code.strip()]).get(code.strip())
    if found is None:
        raise NotFound("project.not_found", field="project", value=code)
    return found


def projects_by_id(uow: SqlUnitOfWork, ids: Iterable[UUID]) -> dict[UUID, Project]:
    """The projects among ``ids`` that exist, by id."""
    return uow.repository(ProjectRepository).by_ids(ids)


def list_projects(
    uow: SqlUnitOfWork,
    *,
    organisation_code: str | None = None,
    status: str | ProjectStatus | None = None,
) -> list[Project]:
    """Projects by code, optionally of one organisation or status."""
    checked_status = parse_enum(ProjectStatus, status, field="status") if status is not None else None
    organisation_id = get_organisation(uow, organisation_code).id if organisation_code else None
    return uow.repository(ProjectRepository).matching(organisation_id=organisation_id, status=checked_status)
