"""One-line log errors that name the file, the row and the column, as a spreadsheet shows them."""

from __future__ import annotations

from pathlib import Path



def display_path(path: str | Path) -> str:
    """The path relative to here when it is below here, so it can be pasted into a shell."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class LogError(Exception):
    """A dispatch log that cannot be read; printable as one line.

    Rows count as a spreadsheet counts them (the header is row 1), so an analyst can jump to the
    cell in the export itself.
    """

    def __init__(self, file: str | Path, message: str, row: int | None = None, column: str | None = None) -> None:
        self.file = display_path(file)
        self.row = row
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return " ".join((": ".join(where) + ": " + self.message).split())
