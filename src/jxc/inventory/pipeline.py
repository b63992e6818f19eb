"""Where prepared bulk batches get written: inline, or in a forked writer process.

A bulk import spends about as long preparing a batch (resolving, fingerprinting, checking,
encoding: Python) as SQLite spends writing it. Threads cannot overlap the two (the driver
needs the GIL for every row it binds), so for imports of more than one batch the writing
moves to a child process forked from this one: it shares the wired application, opens its
own connections, writes each prepared batch in its own transaction and reports back. The
parent prepares the next batch meanwhile, so both cores work.

Errors in the child come back as the same ``JxcError`` (code, field, params); anything else
becomes ``import.write_failed`` with the original text.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, Protocol

from jxc.db.uow import SqlUnitOfWork
from jxc.inventory.repository import LedgerRepository
from jxc.inventory.writer import WriteSet
from jxc.kernel import errors
from jxc.kernel.errors import JxcError

UowFactory = Callable[[], SqlUnitOfWork]


def write_batch(uow_factory: UowFactory, prepared: WriteSet) -> None:
    with uow_factory() as uow:
        prepared.write(uow.repository(LedgerRepository))
        uow.commit()


class BatchWriter(Protocol):
    def send(self, prepared: WriteSet) -> None: ...
    def wait(self) -> None: ...
    def close(self) -> None: ...


class InlineWriter:
    """Writes each batch as it is sent (single-batch imports, or where fork is unavailable)."""

    def __init__(self, uow_factory: UowFactory) -> None:
        self.uow_factory = uow_factory

    def send(self, prepared: WriteSet) -> None:
        write_batch(self.uow_factory, prepared)

    def wait(self) -> None:
        return None

    def close(self) -> None:
        return None


class ForkedWriter:
    """Writes batches in a child process, one at a time, in the order sent."""

    def __init__(self, uow_factory: UowFactory) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(
            target=_child_main, args=(uow_factory, child_end), name="jxc-import-writer", daemon=True
        )
        self._process.start()
        child_end.close()
        self._pending = 0

    @staticmethod
    def available() -> bool:
        return "fork" in multiprocessing.get_all_start_methods()

    def send(self, prepared: WriteSet) -> None:
        self._conn.send(prepared)
        self._pending += 1

    def wait(self) -> None:
        while self._pending:
            try:
                outcome, detail = self._conn.recv()
            except EOFError:
                self._pending = 0
                raise JxcError("import.write_failed", reason="the writer process ended unexpectedly") from None
            self._pending -= 1
            if outcome == "jxc":
                raise _rebuild(detail)
            if outcome == "error":
                raise JxcError("import.write_failed", reason=detail)

    def close(self) -> None:
        try:
            if self._process.is_alive():
                self._conn.send(None)
            self._process.join(timeout=30)
        finally:
            if self._process.is_alive():
                self._process.kill()
            self._conn.close()


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk import.

    A batch allocates hundreds of thousands of tuples and dicts, which keeps triggering
    collections that find nothing (the ledger's objects form no cycles); pausing them is worth
    about a third of the import time. Existing objects are frozen so the one collection
    afterwards only looks at what the import left behind.
    """
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.unfreeze()


def start_writer(uow_factory: UowFactory, *, parallel: bool) -> BatchWriter:
    if parallel and ForkedWriter.available():
        return ForkedWriter(uow_factory)
    return InlineWriter(uow_factory)


def _child_main(uow_factory: UowFactory, conn: Connection) -> None:
    # The pool's connections and the in-process write lock belong to the parent: start afresh.
    engine = uow_factory().engine
    engine.dispose(close=False)
    if hasattr(engine, "jxc_write_lock"):
        engine.jxc_write_lock = threading.Lock()
    while True:
        prepared = conn.recv()
        if prepared is None:
            break
        try:
            write_batch(uow_factory, prepared)
            conn.send(("ok", None))
        except JxcError as error:
            conn.send(("jxc", (type(error).__name__, error.code, error.field, error.params)))
        except BaseException as error:  # reported to the parent, which raises it there
            conn.send(("error", f"{type(error).__name__}: {error}"))
    conn.close()


def _rebuild(detail: tuple[str, str, str | None, dict[str, Any]]) -> JxcError:
    name, code, field, params = detail
    cls = getattr(errors, name, JxcError)
    if not (isinstance(cls, type) and issubclass(cls, JxcError)):
        cls = JxcError
    return cls(code, field=field, **params)
