"""``planner itc2007`` end to end on tiny instances: the written .sln is checked by the
competition's rules (planner.itc2007.evaluate), and its figures match what was printed."""

from __future__ import annotations

import re
from pathlib import Path

from planner.cli import main
from planner.itc2007.evaluate import evaluate
from planner.itc2007.sln import read_sln
from planner.itc2007.tim import parse_tim
from tests.itc2007_data import SMALL, tim_text

FAST = ["--time-limit", "5", "--seed", "1"]


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["itc2007", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _figure(out: str, name: str) -> int:
    m = re.search(rf"^{name}\s+(\d+)", out, re.M)
    assert m, out
    return int(m.group(1))


def test_solves_and_writes_a_feasible_sln(tmp_path: Path, capsys):
    text = tim_text(**SMALL)
    (tmp_path / "small.tim").write_text(text)
    sln = tmp_path / "small.sln"
    code, out, err = _run(capsys, str(tmp_path / "small.tim"), *FAST, "--out", str(sln))
    assert code == 0, out + err
    inst = parse_tim(text)
    ev = evaluate(inst, read_sln(sln, inst.n_events))
    assert ev.feasible and ev.hard == 0
    assert _figure(out, "DtF") == 0
    assert _figure(out, "soft cost") == ev.soft
    assert re.search(r"^first feasible\s+\d+\.\d+ s", out, re.M)


def test_no_complete_timetable_writes_a_valid_partial_one_and_exits_3(tmp_path: Path, capsys):
    # event 2 has three students, and the only room seats two: it can never be placed
    text = tim_text(rooms=[2], attendance=[{0}, {1}, {0, 1, 2}], students=3)
    (tmp_path / "tight.tim").write_text(text)
    sln = tmp_path / "tight.sln"
    code, out, _ = _run(capsys, str(tmp_path / "tight.tim"), *FAST, "--out", str(sln))
    assert code == 3
    inst = parse_tim(text)
    sol = read_sln(sln, 3)
    ev = evaluate(inst, sol)
    assert ev.valid and sol[2] is None and ev.dtf == 3
    assert sln.read_text().splitlines()[2] == "-1 -1"
    assert _figure(out, "DtF") == 3 and _figure(out, "soft cost") == ev.soft
    assert "No complete timetable exists" in out


def test_bad_files_exit_2_without_a_traceback(tmp_path: Path, capsys):
    bad = tmp_path / "bad.tim"
    bad.write_text("2 1 0 1\n5\n1\n")
    code, out, err = _run(capsys, str(bad), *FAST, "--out", str(tmp_path / "bad.sln"))
    assert code == 2 and "expected" in err and "Traceback" not in err
    assert not (tmp_path / "bad.sln").exists()
    code, _, err = _run(capsys, str(tmp_path / "missing.tim"), *FAST, "--out", str(tmp_path / "x.sln"))
    assert code == 2 and "cannot read" in err
    (tmp_path / "ok.tim").write_text(tim_text(**SMALL))
    code, _, err = _run(capsys, str(tmp_path / "ok.tim"), *FAST, "--out", str(tmp_path / "no" / "x.sln"))
    assert code == 2 and "--out" in err


def _no_search_result(monkeypatch):
    """The search finds nothing in time (a stand-in for a hard instance and a short limit)."""
    import planner.solver
    from planner.solver import SolveResult, Status

    monkeypatch.setattr(
        planner.solver, "solve", lambda problem, options: SolveResult(Status.UNKNOWN, None, seconds=1.0)
    )


def test_search_finds_nothing_greedy_completes_exit_0(tmp_path: Path, capsys, monkeypatch):
    _no_search_result(monkeypatch)
    text = tim_text(**SMALL)
    (tmp_path / "small.tim").write_text(text)
    sln = tmp_path / "small.sln"
    code, out, _ = _run(capsys, str(tmp_path / "small.tim"), *FAST, "--out", str(sln))
    assert code == 0 and "greedy fallback" in out
    ev = evaluate(parse_tim(text), read_sln(sln, 6))
    assert ev.feasible and _figure(out, "soft cost") == ev.soft
    assert re.search(r"^first feasible\s+-$", out, re.M)


def test_search_finds_nothing_partial_timetable_exit_3(tmp_path: Path, capsys, monkeypatch):
    _no_search_result(monkeypatch)
    # events 0 and 1 share student 0 and may only be in timeslot 0: one of them stays out
    only_0 = list(range(1, 45))
    text = tim_text(rooms=[5, 5], attendance=[{0}, {0, 1}], students=2, forbidden={0: only_0, 1: only_0})
    (tmp_path / "clash.tim").write_text(text)
    sln = tmp_path / "clash.sln"
    code, out, _ = _run(capsys, str(tmp_path / "clash.tim"), *FAST, "--out", str(sln))
    assert code == 3 and "within the time limit" in out
    sol = read_sln(sln, 2)
    ev = evaluate(parse_tim(text), sol)
    assert ev.valid and sol.count(None) == 1 and _figure(out, "DtF") == ev.dtf > 0
