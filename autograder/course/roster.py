"""Roster CSVs: one row per student, a ``student_id`` column (the ids ulp grades under: folder
names, Gradescope user ids), any other columns found by name, case-insensitively."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from autograder.errors import UsageError


def rows(path: Path) -> Iterator[tuple[int, str, dict[str, str]]]:
    """(line number, student id, {lower-case column name: stripped value}) for each row that has
    a student id; a spreadsheet's byte-order mark is ignored."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
            if "student_id" not in columns:
                raise UsageError(f"{path}: no student_id column (columns: "
                                  f"{', '.join(reader.fieldnames or []) or 'none'}); the first "
                                  "line of the roster must name the columns, one of them "
                                  "student_id, holding the ids ulp grades under (folder names, "
                                  "Gradescope user ids)")
            for line, row in enumerate(reader, start=2):
                values = {name: (row.get(col) or "").strip() for name, col in columns.items()}
                if values["student_id"]:
                    yield line, values["student_id"], values
    except OSError as e:
        raise UsageError(f"cannot read the roster {path}: {e}") from e
