"""The replenishment loop's clock: replan the series whose signals changed, every ``interval`` minutes.

Each cycle asks the signals context which item-sites received sales events since the previous run
started (the first cycle replans everything with recent demand), replans those in one unit of work,
and sleeps until the next cycle. A surge therefore turns into an alert and an emergency suggestion
within one cycle of its events arriving. ``jxc serve`` runs it in a background thread;
``jxc replenish schedule`` runs it in the foreground (``--once`` for a single cycle, e.g. from cron).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from jxc.db.uow import SqlUnitOfWork
from jxc.replenishment import services as replenishment
from jxc.replenishment.services import Planner, RunReport
from jxc.signals import services as signals

log = logging.getLogger("jxc.replenishment")
ACTOR = "system:scheduler"


class Scheduler:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork], planner: Planner,
                 *, interval: timedelta | None = None) -> None:
        self.uow_factory = uow_factory
        self.planner = planner
        self.interval = interval or timedelta(minutes=planner.settings.interval_minutes)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> RunReport:
        """One cycle: replan what changed since the last run began (everything on the first run)."""
        with self.uow_factory() as uow:
            since = replenishment.last_run_started(uow)
            changed = None if since is None else signals.changed_series(uow, received_since=since)
            report = replenishment.plan(uow, self.planner, actor=ACTOR, trigger="schedule", only=changed)
            uow.commit()
        return report

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.run_once()
                log.info("replenishment cycle: %s series, %s suggestions, %s alerts",
                         report.series, report.suggestions, report.alerts)
            except Exception:  # one failed cycle must not end the loop; the next one retries
                log.exception("replenishment cycle failed")
            self._stop.wait(self.interval.total_seconds())

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="jxc-replenishment", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


__all__ = ["Scheduler"]
