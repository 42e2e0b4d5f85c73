"""Conference and multi-institution meeting planner on OR-Tools CP-SAT."""
