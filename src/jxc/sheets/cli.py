"""What every ``jxc … import`` and ``jxc … template`` command shares: progress, summary, exit code.

A context's command stays a few lines: read the file, call its ``import_…`` use case inside
``with import_progress() as progress``, then :func:`finish_import`. Exit code 2 means nothing
was imported because of errors (the same code as any other invalid input).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from jxc.cli.output import console, emit_json, err_console, table
from jxc.sheets.report import error_report
from jxc.sheets.rows import ImportMode, ImportReport
from jxc.sheets.runner import ProgressCallback

PROGRESS_FROM_ROWS = 1000  # smaller files finish before a bar would be worth drawing
LARGE_FILE_BYTES = 128 * 1024  # some 5,000 rows: from there, reading alone takes a while
SHOWN_ERRORS = 50
NOTHING_IMPORTED_EXIT = 2


def cli_lang() -> str:
    from jxc.cli.main import state  # imported here: jxc.cli.main imports the context command modules

    return state.lang


@contextmanager
def import_progress(file_size: int = 0) -> Iterator[ProgressCallback]:
    """A progress callback drawing a Rich bar on stderr for files of more than 1000 rows.

    A large file (``file_size`` bytes) shows the bar while it is still being read, so a user
    waiting for 100,000 rows to be parsed sees that something is happening.
    """
    bar: Progress | None = None
    task: TaskID | None = None

    def start(total: int | None) -> None:
        nonlocal bar, task
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       console=err_console, transient=True)
        bar.start()
        task = bar.add_task("读取 reading", total=total)

    def update(done: int, total: int) -> None:
        if total <= PROGRESS_FROM_ROWS:
            return
        if bar is None:
            start(total)
        assert bar is not None and task is not None
        bar.update(task, description="导入 importing", total=total, completed=done)

    if file_size > LARGE_FILE_BYTES:
        start(None)
    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


def write_template(out: Path, data: bytes, *, what: str) -> None:
    out.write_bytes(data)
    typer.echo(f"wrote the {what} import template to {out}")


def finish_import(report: ImportReport, *, errors_out: Path | None = None, as_json: bool = False) -> None:
    """Print the summary and errors, write the error workbook if asked, exit 2 if nothing went in for errors."""
    lang = cli_lang()
    zh = lang.lower().startswith("zh")
    if errors_out is not None and report.errors:
        errors_out.write_bytes(error_report(report.errors))
    if as_json:
        emit_json(report.as_dict())
    else:
        _summary(report, zh=zh)
        if errors_out is not None and report.errors:
            console.print(escape(f"错误报告已写入 {errors_out}" if zh else f"error report written to {errors_out}"))
    if report.errors and report.imported == 0:
        raise typer.Exit(NOTHING_IMPORTED_EXIT)


def _summary(report: ImportReport, *, zh: bool) -> None:
    table(
        f"导入 {report.sheet}" if zh else f"import {report.sheet}",
        ["", "rows"],
        [("文件中的行 rows in file", report.total_rows), ("已导入 imported", report.imported),
         ("未导入 skipped", report.skipped), ("有错误的行 rows with errors", report.error_rows)],
    )
    if not report.errors:
        return
    shown = report.errors[:SHOWN_ERRORS]
    table("错误 errors" if zh else "errors", ["行 row", "列 column", "值 value", "原因 reason"],
          [(e.row, escape(e.column_header), escape(e.value), escape(e.reason_zh if zh else e.reason_en)) for e in shown])
    if len(report.errors) > SHOWN_ERRORS:
        more = len(report.errors) - SHOWN_ERRORS
        console.print(escape(f"… 另有 {more} 个错误 (见 --errors-out)" if zh
                             else f"… and {more} more error(s) (see --errors-out)"))
    if report.imported == 0 and report.mode is ImportMode.ALL_OR_NOTHING:
        console.print(escape("没有导入任何行: 请修正以上错误, 或用 --valid-only 只导入正确的行" if zh
                             else "nothing was imported: fix the rows above, or use --valid-only to import the valid rows"))
