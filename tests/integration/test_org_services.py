"""Org use cases against SQLite and PostgreSQL (the ``app`` fixture runs each test on both)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jxc.bootstrap import App
from jxc.db.engine import build_engine
from jxc.db.metadata import all_metadata
from jxc.db.uow import SqlUnitOfWork
from jxc.kernel.errors import Conflict, InvalidInput, NotFound
from jxc.org import services as org
from jxc.org.model import BinSpec, Organisation, ProjectStatus, Relation, Site, SiteKind, VirtualRole
from tests.conftest import ref


def organisation(app: App, **overrides: Any) -> Organisation:
    fields: dict[str, Any] = {
        "code": ref("ORG"),
        "name_zh": "华东子公司",
        "name_en": "East China Co",
        "relation": "direct",
    }
    fields.update(overrides)
    with app.uow() as uow:
        return org.register_organisation(uow, **fields)


def site(app: App, organisation_code: str, **overrides: Any) -> Site:
    fields: dict[str, Any] = {
        "code": ref("WH"),
        "name_zh": "上海仓",
        "name_en": "Shanghai DC",
        "kind": "warehouse",
        "organisation_code": organisation_code,
        "latitude": Decimal("31.2304"),
        "longitude": Decimal("121.4737"),
        "region": "华东",
    }
    fields.update(overrides)
    with app.uow() as uow:
        return org.register_site(uow, **fields)


def test_organisation_with_parent_reads_back(app: App) -> None:
    parent = organisation(app)
    child = organisation(app, relation="franchise", parent_code=parent.code, attributes={"税号": "91310000"})
    with app.uow() as uow:
        assert org.get_organisation(uow, child.code) == child
        assert org.organisations_by_id(uow, [parent.id, child.id]) == {parent.id: parent, child.id: child}
        listed = {o.code for o in org.list_organisations(uow)}
    assert child.relation is Relation.FRANCHISE and child.parent_code == parent.code
    assert {parent.code, child.code} <= listed


def test_unknown_parent_organisation_is_not_found(app: App) -> None:
    with pytest.raises(NotFound) as error:
        organisation(app, parent_code=ref("NOPE"))
    assert (error.value.code, error.value.field) == ("org.not_found", "parent_code")


def test_duplicate_organisation_code_is_a_conflict(app: App) -> None:
    existing = organisation(app)
    with pytest.raises(Conflict) as error:
        organisation(app, code=existing.code)
    assert (error.value.code, error.value.field) == ("org.duplicate", "code")


def test_site_registers_and_reads_back_by_code_and_id(app: App) -> None:
    owner = organisation(app)
    created = site(app, owner.code, timezone="Asia/Urumqi", allow_negative=True)
    with app.uow() as uow:
        assert org.get_site(uow, created.code) == created
        assert org.sites_by_code(uow, [created.code, "NOPE"]) == {created.code: created}
        assert org.sites_by_id(uow, [created.id]) == {created.id: created}
    assert created.organisation_id == owner.id and created.allow_negative


def test_site_of_unknown_organisation_is_not_found(app: App) -> None:
    with pytest.raises(NotFound) as error:
        site(app, ref("NOPE"))
    assert (error.value.code, error.value.field) == ("org.not_found", "organisation")


def test_duplicate_site_code_is_a_conflict(app: App) -> None:
    owner = organisation(app)
    existing = site(app, owner.code)
    with pytest.raises(Conflict) as error:
        site(app, owner.code, code=existing.code)
    assert (error.value.code, error.value.field) == ("site.duplicate", "code")


def test_invalid_coordinates_are_refused_and_nothing_is_written(app: App) -> None:
    owner = organisation(app)
    code = ref("WH")
    with pytest.raises(InvalidInput) as error:
        site(app, owner.code, code=code, latitude="95")
    assert (error.value.code, error.value.field) == ("field.invalid", "latitude")
    with app.uow() as uow:
        assert org.sites_by_code(uow, [code]) == {}


def test_unknown_site_is_not_found_on_the_site_field(app: App) -> None:
    with app.uow() as uow, pytest.raises(NotFound) as error:
        org.get_site(uow, ref("NOPE"))
    assert (error.value.code, error.value.field) == ("site.not_found", "site")


def test_sites_are_listed_by_kind_organisation_and_region(app: App) -> None:
    owner = organisation(app)
    region = ref("R")
    warehouse = site(app, owner.code, region=region)
    store = site(app, owner.code, kind="store", region=region, code=ref("ST"))
    channel = site(app, owner.code, kind="channel", channel="douyin", code=ref("CH"))
    with app.uow() as uow:
        of_owner = org.list_sites(uow, organisation_code=owner.code)
        stores = org.list_sites(uow, kind="store", organisation_code=owner.code)
        in_region = org.list_sites(uow, region=region)
    assert {s.code for s in of_owner} == {warehouse.code, store.code, channel.code}
    assert [s.code for s in of_owner] == sorted(s.code for s in of_owner)
    assert stores == [store]
    assert {s.code for s in in_region} == {warehouse.code, store.code}
    assert channel.kind is SiteKind.CHANNEL and channel.channel == "douyin"


def test_ensure_virtual_sites_is_idempotent(app: App) -> None:
    with app.uow() as uow:
        first = org.ensure_virtual_sites(uow)
    with app.uow() as uow:
        second = org.ensure_virtual_sites(uow)
        virtual = org.list_sites(uow, kind="virtual")
        supplier = org.get_site(uow, "@supplier")
    assert set(first) == set(VirtualRole)
    assert first == second
    assert len(virtual) == len(VirtualRole)
    assert supplier.is_virtual and supplier.allow_negative and supplier.virtual_role is VirtualRole.SUPPLIER
    assert {s.code for s in virtual} == {
        "@supplier",
        "@customer",
        "@adjustment",
        "@production",
        "@transit-loss",
    }


def test_bins_are_added_found_and_listed(app: App) -> None:
    owner = organisation(app)
    where = site(app, owner.code)
    with app.uow() as uow:
        one = org.add_bin(uow, site_code=where.code, code="A-01-01", x="1.5", y=2, z="0.8", zone="常温")
    specs = [BinSpec(code=f"B-{n:03d}", x=n, y=0, z=Decimal("1.2")) for n in range(300)]
    with app.uow() as uow:
        assert org.add_bins(uow, where.code, specs) == 300
    with app.uow() as uow:
        assert org.get_bin(uow, site_code=where.code, code="A-01-01") == one
        assert org.bins_by_id(uow, [one.id]) == {one.id: one}
        listed = org.list_bins(uow, site_code=where.code)
    assert len(listed) == 301 and listed[0] == one
    assert (one.x, one.y, one.z, one.zone) == (Decimal("1.5"), Decimal(2), Decimal("0.8"), "常温")


def test_same_bin_code_in_two_sites_is_fine_but_not_twice_in_one(app: App) -> None:
    owner = organisation(app)
    first, second = site(app, owner.code), site(app, owner.code)
    with app.uow() as uow:
        org.add_bin(uow, site_code=first.code, code="A-01", x=0, y=0, z=0)
    with app.uow() as uow:
        org.add_bin(uow, site_code=second.code, code="A-01", x=0, y=0, z=0)
    with app.uow() as uow, pytest.raises(Conflict) as error:
        org.add_bins(
            uow, first.code, [BinSpec(code="A-02", x=0, y=0, z=0), BinSpec(code="A-01", x=0, y=0, z=0)]
        )
    assert (error.value.code, error.value.field) == ("bin.duplicate", "code")
    with app.uow() as uow:
        assert [b.code for b in org.list_bins(uow, site_code=first.code)] == ["A-01"]


def test_unknown_bin_is_not_found(app: App) -> None:
    owner = organisation(app)
    where = site(app, owner.code)
    with app.uow() as uow, pytest.raises(NotFound) as error:
        org.get_bin(uow, site_code=where.code, code="Z-99")
    assert (error.value.code, error.value.field) == ("bin.not_found", "bin")


def test_virtual_sites_refuse_bins(app: App) -> None:
    with app.uow() as uow:
        org.ensure_virtual_sites(uow)
    with app.uow() as uow, pytest.raises(InvalidInput) as error:
        org.add_bin(uow, site_code="@customer", code="A", x=0, y=0, z=0)
    assert error.value.code == "site.virtual_mismatch"


def test_project_registers_lists_and_closes(app: App) -> None:
    owner = organisation(app)
    where = site(app, owner.code)
    with app.uow() as uow:
        project = org.register_project(
            uow, code=ref("PRJ"), name="浦东工地", organisation_code=owner.code, site_code=where.code
        )
    with app.uow() as uow:
        other = org.register_project(uow, code=ref("PRJ"), name="虹桥工地", organisation_code=owner.code)
    with app.uow() as uow:
        assert org.get_project(uow, project.code) == project
        assert org.projects_by_id(uow, [project.id, other.id]) == {project.id: project, other.id: other}
        closed = org.close_project(uow, other.code)
    with app.uow() as uow:
        still_open = org.list_projects(uow, organisation_code=owner.code, status="open")
        everything = org.list_projects(uow, organisation_code=owner.code)
    assert project.site_id == where.id and other.site_id is None
    assert closed.status is ProjectStatus.CLOSED
    assert still_open == [project]
    assert {p.code for p in everything} == {project.code, other.code}


def test_duplicate_or_orphan_project_is_refused(app: App) -> None:
    owner = organisation(app)
    with app.uow() as uow:
        project = org.register_project(uow, code=ref("PRJ"), name="p", organisation_code=owner.code)
    with app.uow() as uow, pytest.raises(Conflict) as duplicate:
        org.register_project(uow, code=project.code, name="p", organisation_code=owner.code)
    with app.uow() as uow, pytest.raises(NotFound) as orphan:
        org.register_project(uow, code=ref("PRJ"), name="p", organisation_code=ref("NOPE"))
    with app.uow() as uow, pytest.raises(NotFound) as missing:
        org.get_project(uow, ref("PRJ"))
    assert (duplicate.value.code, duplicate.value.field) == ("project.duplicate", "code")
    assert (orphan.value.code, orphan.value.field) == ("org.not_found", "organisation")
    assert (missing.value.code, missing.value.field) == ("project.not_found", "project")


# --- command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file with the full schema and the virtual sites (as `jxc init` leaves it)."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    engine = build_engine(url)
    all_metadata().create_all(engine)
    with SqlUnitOfWork(engine) as uow:
        org.ensure_virtual_sites(uow)
    engine.dispose()
    yield url


def jxc(db_url: str, *args: str) -> tuple[int, str, str]:
    """Run the real ``jxc`` entry point (its error mapping included): exit code, stdout, stderr.

    ``CliRunner.invoke`` would call the click command directly and skip the root app's
    JxcError → one line + exit code mapping, so the app is called inside the runner's isolation.
    """
    from jxc.cli.main import app, state

    with CliRunner().isolation() as (out, err, _):
        try:
            app(["--database-url", db_url, *args], prog_name="jxc")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            if state._app is not None:  # close this invocation's pool: no unclosed-connection warnings
                state._app.engine.dispose()
        return code, out.getvalue().decode(), err.getvalue().decode()


def ok(db_url: str, *args: str) -> Any:
    """Run a ``--json`` command that must succeed and return its parsed output."""
    code, out, err = jxc(db_url, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_cli_builds_an_organisation_with_sites_bins_and_projects(cli_db: str) -> None:
    ok(cli_db, "org", "add", "--code", "GRP", "--name-zh", "集团", "--name-en", "Group")
    ok(cli_db, "org", "add", "--code", "EAST", "--name-zh", "华东", "--name-en", "East", "--relation", "franchise",
       "--parent", "GRP")  # fmt: skip
    [site] = ok(cli_db, "site", "add", "--code", "WH-SH", "--name-zh", "上海仓", "--name-en", "Shanghai DC",
                "--kind", "warehouse", "--org", "EAST", "--lat", "31.2304", "--lon", "121.4737",
                "--region", "华东", "--allow-negative")  # fmt: skip
    ok(cli_db, "site", "add", "--code", "CH-DY", "--name-zh", "抖音店", "--name-en", "Douyin shop",
       "--kind", "channel", "--org", "EAST", "--lat", "31.2", "--lon", "121.4", "--channel", "douyin")  # fmt: skip
    assert (site["latitude"], site["allow_negative"], site["timezone"]) == ("31.2304", True, "Asia/Shanghai")
    assert ok(cli_db, "site", "show", "WH-SH") == [site]
    assert [s["code"] for s in ok(cli_db, "site", "list", "--kind", "channel")] == ["CH-DY"]
    assert len(ok(cli_db, "site", "list", "--kind", "virtual")) == 5
    assert [o["parent_code"] for o in ok(cli_db, "org", "list")] == ["GRP", None]  # EAST, GRP
    ok(cli_db, "bin", "add", "--site", "WH-SH", "--code", "A-01", "--x", "1.5", "--y", "2", "--zone", "cold")
    assert ok(cli_db, "bin", "list", "--site", "WH-SH")[0]["x"] == "1.5"
    ok(cli_db, "project", "add", "--code", "PRJ-1", "--name", "浦东工地", "--org", "EAST", "--site", "WH-SH")
    [project] = ok(cli_db, "project", "list", "--org", "EAST")
    assert (project["code"], project["status"], project["site_id"]) == ("PRJ-1", "open", site["id"])
    code, out, _ = jxc(cli_db, "project", "list")
    assert code == 0 and "WH-SH" in out


def test_cli_refuses_a_latitude_out_of_range_naming_the_field(cli_db: str) -> None:
    ok(cli_db, "org", "add", "--code", "GRP", "--name-zh", "集团", "--name-en", "Group")
    code, _, err = jxc(cli_db, "site", "add", "--code", "X", "--name-zh", "x", "--name-en", "x", "--kind", "store",
                       "--org", "GRP", "--lat", "95", "--lon", "121")  # fmt: skip
    assert code == InvalidInput.exit_code and "latitude" in err
    code, _, err = jxc(cli_db, "site", "show", "X")
    assert code == NotFound.exit_code


def test_cli_reports_an_unknown_organisation(cli_db: str) -> None:
    code, _, err = jxc(cli_db, "site", "add", "--code", "X", "--name-zh", "x", "--name-en", "x", "--kind", "store",
                       "--org", "NOPE", "--lat", "31", "--lon", "121")  # fmt: skip
    assert code == NotFound.exit_code and "organisation" in err and "NOPE" in err
