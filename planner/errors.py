"""Problems with what the user gave us, each located where the user can find it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputIssue:
    """One problem in the input: where it is, what is there, and what was expected.

    ``row`` is the row number as the spreadsheet shows it (the header is row 1),
    or None when the problem concerns a whole sheet or column.
    """

    sheet: str
    row: int | None
    column: str | None
    value: str
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        shown = f" (found {self.value!r})" if self.value != "" else ""
        return f"{where}: {self.message}{shown}"


class InputError(Exception):
    """The input could not be read or is not valid; ``issues`` lists every problem found."""

    def __init__(self, issues: list[InputIssue]):
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))
