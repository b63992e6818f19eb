"""``jxc org …``, ``jxc site …``, ``jxc bin …`` and ``jxc project …``: parse, call a service, render.

No business rules here: numbers arrive as text and are validated (and kept exact) by the
model; ``JxcError``s are printed by the root app as one line with a non-zero exit code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from jxc.cli.common import JsonOpt, current_app
from jxc.cli.output import emit_json, table
from jxc.cli.parsing import pairs
from jxc.org import services
from jxc.org.model import DEFAULT_TIMEZONE, Bin, Organisation, Project, Site

if TYPE_CHECKING:
    pass

org_app = typer.Typer(help="Organisations / legal entities (组织).", no_args_is_help=True)
site_app = typer.Typer(help="Warehouses, stores and channels (站点).", no_args_is_help=True)
bin_app = typer.Typer(help="Bins inside a site (库位).", no_args_is_help=True)
project_app = typer.Typer(help="Projects / work-site numbers (项目).", no_args_is_help=True)

OrgOpt = Annotated[str, typer.Option("--org", help="Organisation code.")]
SiteOpt = Annotated[str, typer.Option("--site", help="Site code.")]


def register(app: typer.Typer) -> None:
    """Add the org context's command groups to the root ``jxc`` app."""
    app.add_typer(org_app, name="org")
    app.add_typer(site_app, name="site")
    app.add_typer(bin_app, name="bin")
    app.add_typer(project_app, name="project")




def _show_organisations(title: str, rows: list[Organisation], as_json: bool) -> None:
    if as_json:
        emit_json(rows)
        return
    table(
        title,
        ["code", "名称", "name", "relation", "parent"],
        [(o.code, o.name_zh, o.name_en, o.relation, o.parent_code) for o in rows],
    )


def _show_sites(title: str, rows: list[Site], as_json: bool) -> None:
    if as_json:
        emit_json(rows)
        return
    table(
        title,
        ["code", "名称", "name", "kind", "region", "lat", "lon", "tz", "negative", "channel"],
        [
            (
                s.code,
                s.name_zh,
                s.name_en,
                s.virtual_role or s.kind,
                s.region,
                s.latitude,
                s.longitude,
                s.timezone,
                "yes" if s.allow_negative else "",
                s.channel,
            )
            for s in rows
        ],
    )


def _show_bins(title: str, rows: list[Bin], as_json: bool) -> None:
    if as_json:
        emit_json(rows)
        return
    table(title, ["code", "x (m)", "y (m)", "z (m)", "zone"], [(b.code, b.x, b.y, b.z, b.zone) for b in rows])


def _show_projects(title: str, rows: list[Project], as_json: bool) -> None:
    if as_json:
        emit_json(rows)
        return
    app = current_app()
    with app.uow() as uow:
        organisations = services.organisations_by_id(uow, {p.organisation_id for p in rows})
        sites = services.sites_by_id(uow, {p.site_id for p in rows if p.site_id is not None})
    table(
        title,
        ["code", "name", "organisation", "site", "status"],
        [
            (
                p.code,
                p.name,
                organisations[p.organisation_id].code,
                sites[p.site_id].code if p.site_id is not None else None,
                p.status,
            )
            for p in rows
        ],
    )


# --- organisations --------------------------------------------------------------------------


@org_app.command("add")
def org_add(
    code: Annotated[str, typer.Option("--code", help="Unique organisation code.")],
    name_zh: Annotated[str, typer.Option("--name-zh", help="中文名称.")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")],
    relation: Annotated[
        str, typer.Option("--relation", help="direct, franchise, third_party or consignment.")
    ] = "direct",
    parent: Annotated[str | None, typer.Option("--parent", help="Parent organisation code.")] = None,
    attr: Annotated[list[str] | None, typer.Option("--attr", help="key=value; repeatable.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Register an organisation (legal entity)."""
    with current_app().uow() as uow:
        created = services.register_organisation(
            uow,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            relation=relation,
            parent_code=parent,
            attributes=pairs(attr, field="attr"),
        )
    _show_organisations("organisation", [created], as_json)


@org_app.command("list")
def org_list(as_json: JsonOpt = False) -> None:
    """List organisations by code."""
    with current_app().uow() as uow:
        rows = services.list_organisations(uow)
    _show_organisations("organisations", rows, as_json)


# --- sites ----------------------------------------------------------------------------------


@site_app.command("add")
def site_add(
    code: Annotated[str, typer.Option("--code", help="Unique site code.")],
    name_zh: Annotated[str, typer.Option("--name-zh", help="中文名称.")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")],
    kind: Annotated[str, typer.Option("--kind", help="warehouse, store or channel.")],
    organisation: OrgOpt,
    latitude: Annotated[str, typer.Option("--lat", help="Latitude, −90..90.")],
    longitude: Annotated[str, typer.Option("--lon", help="Longitude, −180..180.")],
    region: Annotated[str | None, typer.Option("--region", help="Region, e.g. 华东.")] = None,
    timezone: Annotated[str, typer.Option("--tz", help="IANA time zone.")] = DEFAULT_TIMEZONE,
    allow_negative: Annotated[
        bool, typer.Option("--allow-negative", help="Let stock here go below zero.")
    ] = False,
    channel: Annotated[
        str | None, typer.Option("--channel", help="Sales platform of a channel site, e.g. tmall.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Register a warehouse, store or channel site."""
    with current_app().uow() as uow:
        created = services.register_site(
            uow,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            kind=kind,
            organisation_code=organisation,
            latitude=latitude,
            longitude=longitude,
            region=region,
            timezone=timezone,
            allow_negative=allow_negative,
            channel=channel,
        )
    _show_sites("site", [created], as_json)


@site_app.command("list")
def site_list(
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind (virtual included).")] = None,
    organisation: Annotated[str | None, typer.Option("--org", help="Only this organisation's.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only this region's.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List sites by code."""
    with current_app().uow() as uow:
        rows = services.list_sites(uow, kind=kind, organisation_code=organisation, region=region)
    _show_sites("sites", rows, as_json)


@site_app.command("show")
def site_show(code: str, as_json: JsonOpt = False) -> None:
    """Show one site (virtual ones too, e.g. @supplier)."""
    with current_app().uow() as uow:
        found = services.get_site(uow, code)
    _show_sites(f"site {found.code}", [found], as_json)


# --- bins -----------------------------------------------------------------------------------


@bin_app.command("add")
def bin_add(
    site: SiteOpt,
    code: Annotated[str, typer.Option("--code", help="Bin code, unique within the site.")],
    x: Annotated[str, typer.Option("--x", help="Metres from the site origin.")],
    y: Annotated[str, typer.Option("--y", help="Metres from the site origin.")],
    z: Annotated[str, typer.Option("--z", help="Height in metres.")] = "0",
    zone: Annotated[str | None, typer.Option("--zone", help="Zone, e.g. cold.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a bin to a site."""
    with current_app().uow() as uow:
        created = services.add_bin(uow, site_code=site, code=code, x=x, y=y, z=z, zone=zone)
    _show_bins(f"bin {site}/{created.code}", [created], as_json)


@bin_app.command("list")
def bin_list(site: SiteOpt, as_json: JsonOpt = False) -> None:
    """List a site's bins by code."""
    with current_app().uow() as uow:
        rows = services.list_bins(uow, site_code=site)
    _show_bins(f"bins of {site}", rows, as_json)


# --- projects -------------------------------------------------------------------------------


@project_app.command("add")
def project_add(
    code: Annotated[str, typer.Option("--code", help="Project / work-site number.")],
    name: Annotated[str, typer.Option("--name", help="Project name.")],
    organisation: OrgOpt,
    site: Annotated[str | None, typer.Option("--site", help="Site the project's stock sits at.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Open a project whose stock is kept apart."""
    with current_app().uow() as uow:
        created = services.register_project(
            uow, code=code, name=name, organisation_code=organisation, site_code=site
        )
    _show_projects("project", [created], as_json)


@project_app.command("list")
def project_list(
    organisation: Annotated[str | None, typer.Option("--org", help="Only this organisation's.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="open or closed.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List projects by code."""
    with current_app().uow() as uow:
        rows = services.list_projects(uow, organisation_code=organisation, status=status)
    _show_projects("projects", rows, as_json)


@project_app.command("close")
def project_close(code: str, as_json: JsonOpt = False) -> None:
    """Close a project."""
    with current_app().uow() as uow:
        closed = services.close_project(uow, code)
    _show_projects("project", [closed], as_json)
