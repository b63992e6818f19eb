"""Organisation resources: organisations and sites."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from jxc.access import services as access
from jxc.api.deps import ReadUowDep, SiteReader
from jxc.kernel.errors import InvalidInput
from jxc.org import services
from jxc.org.model import Organisation, Site, SiteKind

router = APIRouter(tags=["organisation"])


class OrganisationPublic(BaseModel):
    code: str
    name_zh: str
    name_en: str
    relation: str
    parent_code: str | None

    @classmethod
    def of(cls, org: Organisation) -> OrganisationPublic:
        return cls(code=org.code, name_zh=org.name_zh, name_en=org.name_en, relation=str(org.relation),
                   parent_code=org.parent_code)


class SitePublic(BaseModel):
    code: str
    name_zh: str
    name_en: str
    kind: str
    organisation: str | None
    region: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    timezone: str
    channel: str | None


class Organisations(BaseModel):
    organisations: list[OrganisationPublic]


class Sites(BaseModel):
    sites: list[SitePublic]


@router.get("/organisations", response_model=Organisations)
def list_organisations(principal: SiteReader, uow: ReadUowDep) -> Organisations:
    return Organisations(organisations=[OrganisationPublic.of(o) for o in services.list_organisations(uow)])


@router.get("/sites", response_model=Sites)
def list_sites(
    principal: SiteReader,
    uow: ReadUowDep,
    kind: Annotated[str | None, Query(description="warehouse, store, channel or virtual")] = None,
    region: Annotated[str | None, Query()] = None,
    org: Annotated[str | None, Query(description="Organisation code.")] = None,
) -> Sites:
    try:
        site_kind = SiteKind(kind) if kind else None
    except ValueError:
        raise InvalidInput("field.invalid", field="kind", value=kind, reason="warehouse|store|channel|virtual") from None
    scope = access.site_codes_in_scope(uow, principal)
    if scope is None:
        sites = services.list_sites(uow, kind=site_kind, organisation_code=org, region=region)
    else:
        # The scope is the site set itself: fetch exactly those, then apply the filters asked for.
        owner = services.get_organisation(uow, org).id if org else None
        sites = sorted(
            (s for s in services.sites_by_code(uow, scope).values()
             if (site_kind is None or s.kind == site_kind) and (region is None or s.region == region)
             and (owner is None or s.organisation_id == owner)),
            key=lambda s: s.code,
        )
    orgs = services.organisations_by_id(uow, {s.organisation_id for s in sites if s.organisation_id})
    return Sites(sites=[_site(s, orgs.get(s.organisation_id) if s.organisation_id else None) for s in sites])


def _site(site: Site, org: Organisation | None) -> SitePublic:
    return SitePublic(
        code=site.code, name_zh=site.name_zh, name_en=site.name_en, kind=str(site.kind),
        organisation=org.code if org else None, region=site.region, latitude=site.latitude,
        longitude=site.longitude, timezone=site.timezone, channel=site.channel,
    )
