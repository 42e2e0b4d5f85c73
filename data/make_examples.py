"""Write the built-in example workbook(s) from planner.examples.

Run from the repository root: ``.venv/bin/python data/make_examples.py``. The output
is reproducible (equal problems give equal bytes), so re-running it changes nothing
unless the example itself changed.
"""

from __future__ import annotations

from pathlib import Path

from planner.examples import heroes_halmstad
from planner.workbook_writer import write_workbook

HERE = Path(__file__).resolve().parent

#: File name -> the function that builds its problem.
EXAMPLES = {"heroes-halmstad-2025.xlsx": heroes_halmstad}


def main() -> None:
    for name, build in EXAMPLES.items():
        path = write_workbook(build(), HERE / name)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
