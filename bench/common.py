"""Shared set-up for the benchmarks: a fresh database per run, a seeded network, timing helpers.

Every benchmark measures jxc against a baseline in the same run on the same machine, and
prints one JSON object as its last line. Nothing here is imported by the package.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from jxc.bootstrap import App, bootstrap
from jxc.catalog import services as catalog
from jxc.catalog.model import ItemSpec
from jxc.cli.admin import initialise
from jxc.config import Settings
from jxc.db.engine import build_engine
from jxc.org import services as org

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_SECRET = "bench-secret-" + "b" * 40


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--pg-url", default=os.environ.get("JXC_BENCH_PG_URL", DEFAULT_PG_URL))
    return p


@dataclass
class Database:
    backend: str
    engine: Engine
    url: str
    sqlite_path: Path | None = None


@contextmanager
def fresh_database(backend: str, pg_url: str, *, label: str) -> Iterator[Database]:
    """An empty, migrated database: a temp SQLite file, or a throw-away PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"jxc-bench-{label}-") as tmp:
            path = Path(tmp) / "bench.sqlite"
            engine = build_engine(f"sqlite:///{path}")
            yield Database("sqlite", engine, f"sqlite:///{path}", path)
            engine.dispose()
        return
    schema = f"jxc_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(pg_url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=20, max_overflow=20)
    try:
        yield Database("postgres", engine, pg_url)
    finally:
        engine.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def ready_app(db: Database) -> App:
    app = bootstrap(Settings(database_url=db.url, secret_key=BENCH_SECRET), engine=db.engine)
    initialise(app)
    return app


def seed_network(app: App, *, sites: int, items: int, prefix: str = "B") -> tuple[list[str], list[str]]:
    """``sites`` stores spread over China and ``items`` plain (untracked) items."""
    with app.uow() as uow:
        org.register_organisation(uow, code=f"{prefix}-ORG", name_zh="基准公司", name_en="Bench Co", relation="direct")
    site_codes = []
    for i in range(sites):
        code = f"{prefix}-S{i:04d}"
        with app.uow() as uow:
            org.register_site(
                uow, code=code, name_zh=f"门店{i}", name_en=f"Store {i}", kind="store", organisation_code=f"{prefix}-ORG",
                region=["华东", "华南", "华北", "西南"][i % 4],
                latitude=Decimal("22") + Decimal(i % 17), longitude=Decimal("105") + Decimal(i % 19),
            )
        site_codes.append(code)
    skus = [f"{prefix}-I{i:06d}" for i in range(items)]
    for start in range(0, items, 2000):
        with app.uow() as uow:
            catalog.register_items(uow, [
                ItemSpec(sku=s, name_zh="基准物料", name_en="bench item", category="基准", base_unit="件")
                for s in skus[start : start + 2000]
            ])
    return site_codes, skus


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {
        "p50_ms": round(percentile(ms, 50), 3), "p90_ms": round(percentile(ms, 90), 3),
        "p99_ms": round(percentile(ms, 99), 3), "max_ms": round(max(ms), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def emit(result: dict[str, object]) -> None:
    """Human lines on stderr are fine; the last stdout line is the JSON result."""
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
