"""The competition's solution format (``.sln``): one line per event, in event order,
``timeslot room`` (0-based), ``-1 -1`` for an unplaced event."""

from __future__ import annotations

from pathlib import Path

from planner.errors import InputError, InputIssue

Solution = list[tuple[int, int] | None]


def format_sln(solution: Solution) -> str:
    return "".join("-1 -1\n" if w is None else f"{w[0]} {w[1]}\n" for w in solution)


def write_sln(solution: Solution, path: str | Path) -> None:
    Path(path).write_text(format_sln(solution), encoding="ascii")


def parse_sln(text: str, events: int | None = None, source: str = "solution.sln") -> Solution:
    """Read ``.sln`` text; a timeslot of -1 means unplaced (as the validator reads it)."""
    rows = [(n, line.split()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if events is not None and len(rows) != events:
        raise InputError(
            [InputIssue(source, None, None, str(len(rows)), f"expected {events} lines, one per event")]
        )
    out: Solution = []
    for n, parts in rows:
        try:
            t, r = (int(x) for x in parts)
        except ValueError:
            raise InputError(
                [InputIssue(source, n, None, " ".join(parts), "expected two integers: timeslot room")]
            ) from None
        out.append(None if t == -1 else (t, r))
    return out


def read_sln(path: str | Path, events: int | None = None) -> Solution:
    p = Path(path)
    return parse_sln(p.read_text(encoding="ascii", errors="replace"), events, str(p))
