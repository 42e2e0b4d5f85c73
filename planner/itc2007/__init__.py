"""ITC2007 track 2 (post-enrolment course timetabling) on the planner's own engine.

``tim`` reads an instance, ``mapping`` turns it into a planner Problem, ``sln``
writes and reads the competition's solution format, and ``evaluate`` scores a
solution by the competition's rules, independently of the solver.
"""
