"""Catalog use cases against SQLite and PostgreSQL (the ``app`` fixture runs each test on both)."""

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
from jxc.catalog import services as catalog
from jxc.catalog.model import AbcClass, Item, ItemRegistered, ItemSpec, TrackingMode
from jxc.db.engine import build_engine
from jxc.db.metadata import all_metadata
from jxc.kernel.errors import Conflict, InvalidInput, NotFound
from tests.conftest import ref

VALID_GTIN = "6901234567892"
BAD_CHECK_DIGIT = "6901234567893"


def gtin13(prefix: str = "690") -> str:
    """A random EAN-13 with a correct check digit, so tests never collide on barcodes."""
    import random

    body = prefix + "".join(random.choices("0123456789", k=12 - len(prefix)))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def register(app: App, **overrides: Any) -> Item:
    fields: dict[str, Any] = {
        "sku": ref("SKU"),
        "name_zh": "一次性注射器 5ml",
        "name_en": "Disposable syringe 5 ml",
        "category": "医疗耗材/注射器",
        "base_unit": "支",
        "units": {"箱": Decimal(24)},
    }
    fields.update(overrides)
    with app.uow() as uow:
        return catalog.register_item(uow, **fields)


def test_registered_item_reads_back_identically(app: App) -> None:
    created = register(
        app,
        barcodes=[gtin13(), gtin13()],
        tracking="lot",
        shelf_life_days=730,
        storage_min_c="2",
        storage_max_c=Decimal(8),
        abc_class="A",
        attributes={"规格": "5ml", "brand": "康德莱"},
        units={"箱": 24, "盒": Decimal("6")},
    )
    with app.uow() as uow:
        loaded = catalog.get_item(uow, created.sku)
    assert loaded == created
    assert loaded.tracking is TrackingMode.LOT and loaded.abc_class is AbcClass.A
    assert loaded.to_base(Decimal(2), "箱") == 48


def test_registering_records_an_item_registered_event(app: App) -> None:
    seen: list[ItemRegistered] = []
    app.bus.subscribe(ItemRegistered, seen.append)
    item = register(app)
    assert [event.sku for event in seen] == [item.sku]


def test_unknown_sku_is_not_found(app: App) -> None:
    with app.uow() as uow, pytest.raises(NotFound) as error:
        catalog.get_item(uow, "NO-SUCH-SKU")
    assert (error.value.code, error.value.field) == ("item.not_found", "sku")


def test_duplicate_sku_is_a_conflict_on_the_sku(app: App) -> None:
    item = register(app)
    with pytest.raises(Conflict) as error:
        register(app, sku=item.sku)
    assert (error.value.code, error.value.field) == ("item.duplicate", "sku")


def test_valid_gtin_is_accepted_and_found_by_barcode(app: App) -> None:
    with app.uow() as uow:
        try:
            existing = catalog.find_by_barcode(uow, VALID_GTIN)
        except NotFound:
            existing = None
    item = existing or register(app, barcodes=[VALID_GTIN])
    assert VALID_GTIN in item.barcodes
    with app.uow() as uow:
        assert catalog.find_by_barcode(uow, VALID_GTIN).sku == item.sku
        # the GTIN-14 form scanned from a GS1-128 carton label finds the same item
        assert catalog.find_by_barcode(uow, "0" + VALID_GTIN).sku == item.sku


def test_invalid_check_digit_is_refused_and_nothing_is_written(app: App) -> None:
    sku = ref("SKU")
    with pytest.raises(InvalidInput) as error:
        register(app, sku=sku, barcodes=[BAD_CHECK_DIGIT])
    assert (error.value.code, error.value.field) == ("barcode.invalid", "barcode")
    assert "check digit" in error.value.params["reason"]
    with app.uow() as uow, pytest.raises(NotFound):
        catalog.get_item(uow, sku)


def test_barcode_already_on_another_item_is_a_conflict(app: App) -> None:
    code = gtin13()
    first = register(app, barcodes=[code])
    sku = ref("SKU")
    with pytest.raises(Conflict) as error:
        register(app, sku=sku, barcodes=[code])
    assert (error.value.code, error.value.field) == ("barcode.duplicate", "barcode")
    assert error.value.params["item"] == first.sku
    with app.uow() as uow:
        assert catalog.items_by_sku(uow, [sku]) == {}


def test_bulk_register_of_2000_items_in_one_transaction(app: App) -> None:
    prefix = ref("BULK")
    specs = [
        ItemSpec(
            sku=f"{prefix}-{n:05d}",
            name_zh=f"螺栓 M{n}",
            name_en=f"Bolt M{n}",
            category="五金/紧固件",
            base_unit="个",
            units={"盒": 100},
            barcodes=(gtin13(),) if n % 2 else (),
            abc_class="ABC"[n % 3],
        )
        for n in range(2000)
    ]
    with app.uow() as uow:
        assert catalog.register_items(uow, specs) == 2000
    skus = [spec.sku for spec in specs]
    with app.uow() as uow:
        by_sku = catalog.items_by_sku(uow, skus)
        by_id = catalog.items_by_id(uow, [item.id for item in by_sku.values()])
    assert len(by_sku) == len(by_id) == 2000
    assert by_sku[skus[7]].to_base(Decimal(3), "盒") == 300
    assert by_sku[skus[7]].barcodes == specs[7].barcodes


def test_bulk_register_is_all_or_nothing(app: App) -> None:
    taken = register(app)
    fresh = ref("SKU")
    specs = [
        ItemSpec(sku=fresh, name_zh="甲", name_en="A", category="测试", base_unit="个"),
        ItemSpec(sku=taken.sku, name_zh="乙", name_en="B", category="测试", base_unit="个"),
    ]
    with app.uow() as uow, pytest.raises(Conflict) as error:
        catalog.register_items(uow, specs)
    assert (error.value.code, error.value.field, error.value.params["value"]) == (
        "item.duplicate",
        "sku",
        taken.sku,
    )
    with app.uow() as uow:
        assert catalog.items_by_sku(uow, [fresh]) == {}


def test_bulk_register_refuses_a_sku_repeated_within_the_batch(app: App) -> None:
    sku = ref("SKU")
    spec = ItemSpec(sku=sku, name_zh="甲", name_en="A", category="测试", base_unit="个")
    with app.uow() as uow, pytest.raises(Conflict) as error:
        catalog.register_items(uow, [spec, spec])
    assert (error.value.code, error.value.field) == ("item.duplicate", "sku")


def test_list_pages_by_sku_within_a_category_and_its_subcategories(app: App) -> None:
    top = ref("CAT")
    skus = sorted(register(app, category=f"{top}/{sub}").sku for sub in ("水果", "水果", "蔬菜"))
    register(app, category=f"{top}X")  # shares the text prefix but is another category
    with app.uow() as uow:
        first = catalog.list_items(uow, category=top, limit=2)
        second = catalog.list_items(uow, category=top, after_sku=first[-1].sku, limit=2)
        fruit = catalog.list_items(uow, category=f"{top}/水果")
    assert [i.sku for i in first + second] == skus
    assert len(fruit) == 2


def test_category_filter_treats_like_wildcards_literally(app: App) -> None:
    top = ref("CAT%")
    register(app, category=f"{top}/a")
    with app.uow() as uow:
        assert catalog.list_items(uow, category=top.replace("%", "_")) == []
        assert len(catalog.list_items(uow, category=top)) == 1


def test_added_unit_converts_and_persists(app: App) -> None:
    item = register(app)
    with app.uow() as uow:
        updated = catalog.add_unit(uow, sku=item.sku, unit="包", factor="10")
    assert updated.to_base(Decimal(1), "包") == 10
    with app.uow() as uow:
        assert catalog.get_item(uow, item.sku).units == {"箱": 24, "包": 10}
        with pytest.raises(Conflict) as error:
            catalog.add_unit(uow, sku=item.sku, unit="箱", factor=12)
    assert (error.value.code, error.value.field) == ("unit.duplicate", "unit")


def test_added_barcode_is_normalised_and_findable(app: App) -> None:
    item = register(app, barcodes=[gtin13()])
    code = gtin13()
    with app.uow() as uow:
        catalog.add_barcode(uow, sku=item.sku, barcode="0" + code)
    with app.uow() as uow:
        again = catalog.add_barcode(uow, sku=item.sku, barcode=code)  # already there: no-op
        assert catalog.get_item(uow, item.sku).barcodes == (item.barcodes[0], code)
    assert again.barcodes[-1] == code


def test_unknown_barcode_is_not_found_and_malformed_one_invalid(app: App) -> None:
    with app.uow() as uow:
        with pytest.raises(NotFound) as missing:
            catalog.find_by_barcode(uow, gtin13("999"))
        with pytest.raises(InvalidInput) as malformed:
            catalog.find_by_barcode(uow, "12AB")
    assert (missing.value.code, missing.value.field) == ("item.not_found", "barcode")
    assert malformed.value.code == "barcode.invalid"


def test_suppliers_and_customers_register_list_and_refuse_duplicates(app: App) -> None:
    region = ref("R")
    with app.uow() as uow:
        supplier = catalog.register_supplier(
            uow, code=ref("SUP"), name="华东医械", region=region, phone="021-1"
        )
    with app.uow() as uow:
        customer = catalog.register_customer(uow, code=ref("CUS"), name="瑞金医院", region=region)
    with app.uow() as uow:
        assert catalog.get_supplier(uow, supplier.code) == supplier
        assert catalog.get_customer(uow, customer.code) == customer
        assert catalog.list_suppliers(uow, region=region) == [supplier]
        assert catalog.list_customers(uow, region=region) == [customer]
        with pytest.raises(NotFound) as error:
            catalog.get_customer(uow, supplier.code)  # codes are per kind of partner
    assert error.value.code == "customer.not_found"
    with app.uow() as uow, pytest.raises(Conflict) as duplicate:
        catalog.register_supplier(uow, code=supplier.code, name="again")
    assert (duplicate.value.code, duplicate.value.field) == ("partner.duplicate", "code")


# --- command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file with the full schema (as `jxc init` would leave it)."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    engine = build_engine(url)
    all_metadata().create_all(engine)
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


def test_cli_adds_shows_and_lists_an_item(cli_db: str) -> None:
    code, out, err = jxc(
        cli_db, "item", "add", "--sku", "VAC-01", "--name-zh", "疫苗", "--name-en", "Vaccine",
        "--category", "医疗/疫苗", "--base-unit", "支", "--unit", "箱=24", "--unit", "盒=6",
        "--barcode", VALID_GTIN, "--tracking", "lot", "--shelf-life-days", "365",
        "--storage", "2..8", "--abc", "A", "--attr", "品牌=康泰", "--json",
    )  # fmt: skip
    assert code == 0, err
    added = json.loads(out)
    assert added["units"] == {"箱": "24", "盒": "6"}
    assert (added["storage_min_c"], added["storage_max_c"], added["abc_class"]) == ("2", "8", "A")
    code, out, _ = jxc(cli_db, "item", "show", "VAC-01", "--json")
    assert code == 0 and json.loads(out) == added
    code, out, _ = jxc(cli_db, "item", "find", "0" + VALID_GTIN, "--json")
    assert code == 0 and json.loads(out)["sku"] == "VAC-01"
    code, out, _ = jxc(cli_db, "item", "list", "--category", "医疗", "--json")
    assert code == 0 and [i["sku"] for i in json.loads(out)] == ["VAC-01"]
    code, out, _ = jxc(cli_db, "item", "show", "VAC-01")
    assert code == 0 and "1 箱 = 24 支" in out


def test_cli_refuses_an_invalid_barcode_naming_the_field(cli_db: str) -> None:
    code, _, err = jxc(
        cli_db, "item", "add", "--sku", "BAD-1", "--name-zh", "甲", "--name-en", "A",
        "--category", "测试", "--base-unit", "个", "--barcode", BAD_CHECK_DIGIT,
    )  # fmt: skip
    assert code == InvalidInput.exit_code
    assert "barcode" in err and BAD_CHECK_DIGIT in err
    code, _, err = jxc(cli_db, "item", "show", "BAD-1")
    assert code == NotFound.exit_code and "BAD-1" in err


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [("--storage", "8", "storage"), ("--unit", "箱24", "unit"), ("--storage", "8..2", "storage")],
)
def test_cli_refuses_malformed_options_naming_the_field(
    cli_db: str, option: str, value: str, field: str
) -> None:
    code, out, err = jxc(
        cli_db, "item", "add", "--sku", ref("SKU"), "--name-zh", "甲", "--name-en", "A",
        "--category", "测试", "--base-unit", "个", option, value,
    )  # fmt: skip
    assert code == InvalidInput.exit_code, out
    assert field in err


def test_cli_registers_and_lists_suppliers_and_customers(cli_db: str) -> None:
    code, _, err = jxc(cli_db, "supplier", "add", "--code", "SUP-1", "--name", "华东医械", "--region", "华东")
    assert code == 0, err
    code, _, err = jxc(
        cli_db, "customer", "add", "--code", "CUS-1", "--name", "瑞金医院", "--email", "x@y.cn"
    )
    assert code == 0, err
    code, out, _ = jxc(cli_db, "supplier", "list", "--json")
    assert [s["code"] for s in json.loads(out)] == ["SUP-1"]
    code, out, _ = jxc(cli_db, "customer", "list", "--json")
    assert json.loads(out)[0]["email"] == "x@y.cn"
    code, _, err = jxc(cli_db, "supplier", "add", "--code", "SUP-1", "--name", "again")
    assert code == Conflict.exit_code and "SUP-1" in err
