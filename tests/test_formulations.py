"""Each formulation choice of ModelConfig that must not change the answer keeps the proven
optimum: over generated meetings (breaks, dependencies of every kind, people and rooms
away, preferences, fixed sessions), the optimum is the same with the choice on and off,
and equals the checker's weighted count of the schedule (see tests.builders.same_optimum).
The choices' own cases are in test_left_justified, test_clash_clauses, test_time_indexed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.generator import generate
from planner.solver.cpsat import ModelConfig
from tests.builders import same_optimum

#: per choice: (on, off)
CHOICES = {
    # a dominance rule: cuts schedules, must keep an optimum
    "left_justified": (ModelConfig(left_justified=True), ModelConfig(left_justified=False)),
    # two encodings of the optional clashes
    "clash_clauses": (ModelConfig(clash_clauses=True), ModelConfig(clash_clauses=False)),
    # two formulations of the rules between sessions
    "time_indexed": (ModelConfig(time_indexed=True), ModelConfig(time_indexed=False)),
}


@pytest.mark.parametrize("choice", CHOICES)
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**6), preset=st.sampled_from(["tiny", "tiny", "small"]))
def test_each_choice_keeps_the_optimum(choice: str, seed: int, preset: str) -> None:
    same_optimum(generate(preset, seed).problem, *CHOICES[choice])
