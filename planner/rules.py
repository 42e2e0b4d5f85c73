"""The hard rules of a schedule, one name each.

The same name is used by the solver's constraint, the independent checker, the
tests and the sentence an organiser reads. ``Rule.<NAME>.value`` is the
machine name; ``Rule.<NAME>.text`` states the rule in the organiser's words.
"""

from __future__ import annotations

from enum import Enum


class Rule(str, Enum):
    """Every hard rule of the workbook spec ("What a schedule must satisfy")."""

    text: str

    def __new__(cls, value: str, text: str) -> Rule:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.text = text
        return obj

    # 1. one room, one day, on the grid, inside the day, clear of breaks
    SCHEDULED_ONCE = ("scheduled_once", "every session is scheduled exactly once")
    ON_A_DAY = ("on_a_day", "a session runs on one of the event's days")
    ON_SLOT_GRID = ("on_slot_grid", "a session starts on the slot grid, counted from the day's start")
    WITHIN_DAY = ("within_day", "a session runs inside its day's window")
    CLEAR_OF_BREAKS = ("clear_of_breaks", "no session overlaps a break")
    # 2. rooms
    KNOWN_ROOM = ("known_room", "a session is held in a room of the Rooms sheet")
    ROOM_NO_OVERLAP = ("room_no_overlap", "a room holds at most one session at a time")
    ROOM_CAPACITY = ("room_capacity", "a room seats the session's attendance")
    ROOM_FEATURES = ("room_features", "a room has every feature the session needs")
    ROOM_AVAILABLE = ("room_available", "a room is not used while it is unavailable")
    SESSION_AVAILABLE = ("session_available", "a session does not run while it is unavailable")
    # 3. people
    PERSON_NO_OVERLAP = ("person_no_overlap", "nobody is required in two sessions at once")
    PERSON_AVAILABLE = ("person_available", "nobody is required in a session while unavailable")
    # 4. plenaries
    PLENARY_EXCLUSIVE = ("plenary_exclusive", "nothing runs at the same time as a plenary")
    # 5. dependencies and fixed values
    DEPENDENCY_BEFORE = (
        "dependency_before",
        "the first session ends at least the gap before the second starts",
    )
    DEPENDENCY_SAME_DAY = ("dependency_same_day", "both sessions are on the same day")
    DEPENDENCY_DIFFERENT_DAY = ("dependency_different_day", "the two sessions are on different days")
    DEPENDENCY_NOT_PARALLEL = ("dependency_not_parallel", "the two sessions do not overlap in time")
    DEPENDENCY_BACK_TO_BACK = (
        "dependency_back_to_back",
        "the second session starts exactly the gap after the first ends, on the same day",
    )
    FIXED_DAY = ("fixed_day", "a session with a fixed day runs on that day")
    FIXED_START = ("fixed_start", "a session with a fixed start time starts then")
    FIXED_ROOM = ("fixed_room", "a session with a fixed room is held there")


#: The rule each dependency relation stands for.
DEPENDENCY_RULES = {
    "before": Rule.DEPENDENCY_BEFORE,
    "same_day": Rule.DEPENDENCY_SAME_DAY,
    "different_day": Rule.DEPENDENCY_DIFFERENT_DAY,
    "not_parallel": Rule.DEPENDENCY_NOT_PARALLEL,
    "back_to_back": Rule.DEPENDENCY_BACK_TO_BACK,
}


class SoftGoal(str, Enum):
    """Soft goals: scored, never broken silently. Value = Event sheet weight key suffix."""

    text: str

    def __new__(cls, value: str, text: str) -> SoftGoal:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.text = text
        return obj

    OPTIONAL_CLASH = (
        "optional_clash",
        "an optional attendee cannot attend (another of their sessions overlaps, or they are away)",
    )
    ROOM_FIT = ("room_fit", "seats left empty in the room a session is given")
    PREFERENCE = (
        "preference",
        "a session's preferred day or time of day (prefer_day, prefer_time) is not met",
    )
    GROUP_ROOM = (
        "group_room",
        "a working group's meetings are spread over more than one room (one point per extra room)",
    )
    IDLE_GAP = (
        "idle_gap",
        "minutes a person waits between their sessions on a day (breaks and time away not counted)",
    )
    IN_A_ROW = (
        "in_a_row",
        "sessions a person has back to back beyond max_in_a_row (3 unless the Event sheet says)",
    )
    SINGLE_DAY = ("single_day", "a day on which a person has a single session (a poor reason to travel)")
    LATE_FINISH = ("late_finish", "a day on which a person has a session in the day's last slot")
    CROSS_DAY = (
        "cross_day",
        "a cross-package meeting not on a day of its group's own meetings (per meeting and group)",
    )
    FAIR_PERSON = ("fair_person", "the most optional attendees' clashes any one person has")
    FAIR_INSTITUTION = (
        "fair_institution",
        "the most optional attendees' clashes the people of any one institution have together",
    )
    CHANGE = (
        "change",
        "changes from the previous schedule: a new room 1 point, a new time that day 2, another day 3",
    )
