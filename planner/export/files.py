"""Every export of ``planner solve`` at once: as bytes by relative path, or written to a folder."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from planner.checker import CheckReport
from planner.export.frab import frab_json_bytes
from planner.export.ics import calendar_files, write_calendars
from planner.export.sync import Previous, calendar_plan
from planner.export.xlsx import schedule_workbook_bytes
from planner.model import Problem, Schedule

WORKBOOK, FRAB, CALENDARS = "schedule.xlsx", "schedule.frab.json", "calendars"


def export_files(
    problem: Problem,
    schedule: Schedule,
    *,
    stamp: datetime,
    previous: Previous | None = None,
    report: CheckReport | None = None,
) -> dict[str, bytes]:
    """``schedule.xlsx``, ``schedule.frab.json`` and ``calendars/...`` as bytes by relative path.

    ``stamp`` (aware) is the calendars' DTSTAMP and the workbook's date; ``previous``
    drives SEQUENCE and cancellations."""
    plan = calendar_plan(problem, schedule, previous)
    naive_utc = stamp.astimezone(UTC).replace(tzinfo=None)
    files = {
        WORKBOOK: schedule_workbook_bytes(problem, schedule, report=report, plan=plan, stamp=naive_utc),
        FRAB: frab_json_bytes(problem, schedule),
    }
    for name, data in calendar_files(problem, schedule, stamp=stamp, previous=previous, plan=plan).items():
        files[f"{CALENDARS}/{name}"] = data
    return files


def write_exports(files: dict[str, bytes], out: str | Path) -> list[Path]:
    """Write :func:`export_files`' output under ``out`` (stale calendars removed); returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in (WORKBOOK, FRAB):
        if name in files:
            (out / name).write_bytes(files[name])
            written.append(out / name)
    prefix = f"{CALENDARS}/"
    calendars = {n[len(prefix) :]: d for n, d in files.items() if n.startswith(prefix)}
    written += write_calendars(calendars, out / CALENDARS)
    return written


def now() -> datetime:
    """The current time in UTC (the CLI's DTSTAMP)."""
    return datetime.now(UTC)
