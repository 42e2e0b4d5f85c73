"""The built-in example: the HEROES alliance's semi-annual meeting in Halmstad, 21-23 October 2025.

Modelled on a real European university alliance's meeting (its nine institutions,
typical work packages, a leadership board and a student board, at Halmstad
University), but every person, room code and detail below is fictional. Like the
generator's instances it is built around a hidden planted schedule, so it is known
to be solvable; people sit in several work packages and the big rooms are few, so
clashes matter. ``heroes_halmstad_generated()`` returns it with that schedule (for
tests); ``data/heroes-halmstad-2025.xlsx`` is written from it by
``data/make_examples.py``.
"""

from __future__ import annotations

import random
from datetime import date
from functools import cache

from planner.generator import Builder, Generated, SessionSpec, person_name, unique_email
from planner.model import Break, Day, Event, Kind, Problem, Room

#: Chosen among seeds 0-299: every cross-package meeting after its groups' first meetings,
#: and the most people in two work packages.
SEED = 277
TUE, WED, THU = date(2025, 10, 21), date(2025, 10, 22), date(2025, 10, 23)

#: (id prefix, name, country, people); 120 people in all, the host sends most.
INSTITUTIONS = [
    ("TM", "Thomas More", "BE", 13),
    ("FONTYS", "Fontys", "NL", 13),
    ("UCN", "UCN", "DK", 12),
    ("IPBEJA", "Polytechnic University of Beja", "PT", 12),
    ("DIT", "Deggendorf Institute of Technology", "DE", 13),
    ("HU", "Halmstad University", "SE", 18),
    ("SEAMK", "SeAMK", "FI", 12),
    ("VIKO", "Vilniaus Kolegija", "LT", 13),
    ("MENDELU", "Mendel University in Brno", "CZ", 14),
]

#: Work packages: (id, name, short name, meeting lengths in minutes, features of every meeting).
WORK_PACKAGES = [
    ("PM", "WP1 Project management and coordination", "Project management", [60, 60], {"projector"}),
    ("QA", "WP2 Common quality assurance framework", "Quality assurance", [90, 90, 60], {"projector"}),
    (
        "LAB",
        "WP3 Laboratory infrastructure mapping and equipment sharing",
        "Lab sharing",
        [90, 60],
        {"projector"},
    ),
    (
        "STAFF",
        "WP4 Joint staff training and professional development",
        "Staff training",
        [75, 75, 60],
        {"projector"},
    ),
    ("SANDBOX", "WP5 Sandbox of small pilot projects", "Sandbox", [60, 60, 60], set()),
    ("VC", "WP6 Virtual campus", "Virtual campus", [90, 60], {"projector", "hybrid"}),
    ("MOB", "WP7 Joint mobility promotion", "Mobility", [60, 60], {"projector"}),
    ("COMM", "WP8 Communication and dissemination", "Communication", [60, 60], set()),
    ("GREEN", "WP9 Sustainability and green campus", "Green campus", [60, 60], set()),
]

#: Cross-package meetings between related work packages: (groups, minutes, needs hybrid).
CROSS_PACKAGES = [
    (("QA", "STAFF"), 60, False),
    (("LAB", "SANDBOX"), 90, False),
    (("VC", "MOB"), 60, True),
    (("VC", "STAFF", "COMM"), 90, True),
    (("SANDBOX", "GREEN"), 60, False),
    (("MOB", "COMM"), 60, False),
    (("QA", "PM"), 60, True),
    (("LAB", "GREEN"), 60, False),
    (("PM", "COMM"), 60, False),
    (("STAFF", "MOB"), 60, False),
]

#: Which work packages people of each role are drawn to, and how strongly.
AFFINITY = {
    "academic": {"QA": 3, "LAB": 3, "STAFF": 3, "SANDBOX": 3, "VC": 2, "GREEN": 2},
    "administrative": {"PM": 3, "MOB": 3, "COMM": 3, "QA": 2, "VC": 1, "GREEN": 1},
    "student": {"MOB": 2, "GREEN": 2, "SANDBOX": 2, "VC": 1, "COMM": 1},
    "leadership": {"PM": 2, "QA": 1},
}

ROOMS = [
    Room("AULA", "Aula", 160, frozenset({"projector", "hybrid"}), "Building J"),
    Room("J102", "Lecture hall J102", 80, frozenset({"projector", "hybrid"}), "Building J"),
    Room("O201", "Seminar room O201", 42, frozenset({"projector", "hybrid"}), "Building O"),
    Room("O202", "Seminar room O202", 36, frozenset({"projector"}), "Building O"),
    Room("O203", "Seminar room O203", 30, frozenset({"projector"}), "Building O"),
    Room("J204", "Seminar room J204", 28, frozenset({"projector", "hybrid"}), "Building J"),
    Room("J205", "Seminar room J205", 24, frozenset({"projector"}), "Building J"),
    Room("F015", "Innovation lab F015", 26, frozenset({"lab", "projector"}), "Building F"),
    Room("D120", "Studio D120", 20, frozenset({"projector"}), "Building D"),
    Room("E110", "Meeting room E110", 18, frozenset({"projector", "hybrid"}), "Building E"),
    Room("E112", "Board room E112", 14, frozenset({"hybrid"}), "Building E"),
]


def heroes_halmstad() -> Problem:
    """The HEROES semi-annual meeting in Halmstad, 21-23 October 2025 (fictional people)."""
    return heroes_halmstad_generated().problem


@cache
def heroes_halmstad_generated() -> Generated:
    """The example with the planted schedule it was built around (which keeps every hard rule)."""
    rng = random.Random(SEED)
    b = Builder(rng, slot=15)
    b.event = Event(
        name="HEROES alliance semi-annual meeting, Halmstad 2025",
        timezone="Europe/Stockholm",
        slot_minutes=15,
        venue="Halmstad University",
        organiser_email="heroes.meeting@example.org",
    )
    b.days = [Day(TUE, 10 * 60, 17 * 60 + 30), Day(WED, 9 * 60, 17 * 60 + 30), Day(THU, 9 * 60, 15 * 60)]
    b.breaks = [
        Break(None, 12 * 60, 13 * 60, "Lunch"),
        Break(None, 15 * 60, 15 * 60 + 30, "Coffee"),
        Break(TUE, 13 * 60, 13 * 60 + 15, "Group photo"),
        Break(WED, 10 * 60 + 30, 10 * 60 + 45, "Coffee"),
        Break(THU, 10 * 60 + 30, 10 * 60 + 45, "Coffee"),
    ]
    b.rooms = list(ROOMS)
    b.late_share = b.early_share = 0.08
    _people(b)
    _sessions(b)
    b.block_room("O201", WED, 9 * 60, 12 * 60)  # booked for an exam that morning
    return b.build(optional_share=0.3, preference_share=0.08)


def _people(b: Builder) -> None:
    """Participants of the nine institutions, the boards, and who works in which package."""
    rng = b.rng
    for gid, name, _, _, _ in WORK_PACKAGES:
        b.group(gid, name)
    b.group("LB", "Leadership board", board=True)
    b.group("SB", "Student board", board=True)
    emails: set[str] = set()
    staff: dict[str, list[str]] = {}
    for code, institution, country, count in INSTITUTIONS:
        for n in range(1, count + 1):
            pid = f"{code}-{n:02d}"
            name = person_name(rng, country)
            if n == 1:
                role = rng.choice(["rector", "vice-rector"])
            elif n == 2 or (n > 3 and rng.random() < 0.12):
                role = "student"
            else:
                role = "academic" if rng.random() < 0.65 else "administrative"
            b.person(pid, name, institution, role, unique_email(name, emails))
            if n == 1:
                b.join(pid, "LB")
            elif n == 2:
                b.join(pid, "SB")
            if role in ("academic", "administrative"):
                staff.setdefault(code, []).append(pid)
            kind = "leadership" if n == 1 else role
            k = rng.choice([0, 1]) if kind == "leadership" else rng.choices([1, 2, 3], [0.2, 0.5, 0.3])[0]
            if kind == "student":
                k = min(k, 2)
            wanted = _weighted_order(rng, AFFINITY[kind])
            for g in wanted[:k]:
                b.join(pid, g)
            b.wanted[pid] = k
            b.interests[pid] = wanted
    # Every institution takes part in every work package.
    for code, *_ in INSTITUTIONS:
        for gid, *_ in WORK_PACKAGES:
            if not any(p in b.members[gid] for p in staff[code]):
                pid = rng.choice(staff[code])
                b.join(pid, gid)
                b.wanted[pid] = max(b.wanted[pid], len(b.people[pid].groups))


def _weighted_order(rng: random.Random, weights: dict[str, int]) -> list[str]:
    """The keys in a random order where heavier ones tend to come first."""
    keyed = sorted(weights, key=lambda k: rng.random() ** (1 / weights[k]), reverse=True)
    return keyed


def _sessions(b: Builder) -> None:
    rng = b.rng
    short = {gid: s for gid, _, s, _, _ in WORK_PACKAGES}
    b.session(
        SessionSpec(
            "OPEN",
            "Opening plenary: welcome to Halmstad",
            Kind.PLENARY,
            60,
            required=["LB"],
            features=frozenset({"projector", "hybrid"}),
            at=(0, 10 * 60, "AULA"),
            fix_day=True,
            fix_start=True,
            fix_room=True,
        )
    )
    b.session(
        SessionSpec(
            "CLOSE",
            "Closing plenary: results and next steps",
            Kind.PLENARY,
            60,
            required=["LB"],
            features=frozenset({"projector", "hybrid"}),
            late=True,
        )
    )
    for gid, minutes, features in [("LB", [90, 60], {"hybrid"}), ("SB", [60, 60], set())]:
        for i, duration in enumerate(minutes):
            b.session(
                SessionSpec(
                    f"{gid}-tmp{i}",
                    f"{b.groups[gid].name} meeting {{n}}",
                    Kind.OTHER,
                    duration,
                    groups=[gid],
                    features=frozenset(features),
                    series=gid,
                    fix_day=gid == "LB" and i == 0,
                )
            )
    b.session(
        SessionSpec(
            "DIALOGUE",
            "Student-leadership dialogue",
            Kind.OTHER,
            60,
            groups=["LB", "SB"],
            features=frozenset({"hybrid"}),
        )
    )
    for gid, _, name, minutes, features in WORK_PACKAGES:
        for i, duration in enumerate(minutes):
            need = set(features) | ({"lab"} if gid == "LAB" and i == 0 else set())
            b.session(
                SessionSpec(
                    f"{gid}-tmp{i}",
                    f"{name}: working meeting {{n}}",
                    Kind.WORKING_GROUP,
                    duration,
                    groups=[gid],
                    features=frozenset(need),
                    series=gid,
                    early=i == 0,
                )
            )
    leaders = sorted(b.members["LB"])
    for n, (groups, duration, hybrid) in enumerate(CROSS_PACKAGES, start=1):
        required = [rng.choice(leaders)] if "PM" in groups or "QA" in groups else []
        b.session(
            SessionSpec(
                f"X{n:02d}",
                "Cross-package: " + " × ".join(short[g] for g in groups),
                Kind.CROSS_PACKAGE,
                duration,
                groups=list(groups),
                required=required,
                features=frozenset({"projector", "hybrid"} if hybrid else {"projector"}),
                after=groups,
            )
        )
    sandbox = sorted(b.members["SANDBOX"])
    pitch = b.session(
        SessionSpec(
            "PITCH",
            "Sandbox pitch session: this year's pilot projects",
            Kind.OTHER,
            60,
            required=sorted(rng.sample(sandbox, 3)),
            optional=["LB", "SB"],
            features=frozenset({"projector", "hybrid"}),
            attendance=60,  # regional partners and local students come too
            priority=2,  # planted with the boards: its jury is made of leaders
        )
    )
    b.session(
        SessionSpec(
            "JURY",
            "Sandbox jury: choosing the pilots to fund",
            Kind.OTHER,
            30,
            required=sorted(rng.sample(leaders, 2)) + [pitch.required[0]],
            follows=(pitch, 0),
        )
    )
    hosts = sorted(p for p in b.people if p.startswith("HU-") and b.people[p].role == "academic")
    b.session(
        SessionSpec(
            "LABTOUR",
            "Lab tour: Halmstad University's innovation lab",
            Kind.OTHER,
            45,
            required=[rng.choice(hosts)],
            optional=["LAB"],
            features=frozenset({"lab"}),
            attendance=24,
            fix_room=True,
        )
    )
