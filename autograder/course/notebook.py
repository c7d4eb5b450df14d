"""A notebook submission (``<id>.ipynb``) becomes the module its code cells form.

The notebook is read with nbformat (validated JSON, never executed here). IPython-only lines
(``%magic``, ``!shell``) cannot run in a plain module: each is replaced by ``pass`` with the
original in a comment, so indentation and line structure stay valid, and the student is told.
"""

from __future__ import annotations

from pathlib import Path

from autograder.errors import SubmissionError

KEPT_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")


def to_module(path: Path) -> tuple[str, list[str]]:
    """(module source, notes for the student)."""
    import nbformat  # noqa: PLC0415 - only for notebooks: it costs every grading's start-up

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as e:  # nbformat raises several kinds: all mean "not a notebook"
        raise SubmissionError(
            f"{path.name} is not a notebook Jupyter can read ({type(e).__name__}: {e}). Open it "
            f"in Jupyter and save it again, or submit the code as {path.stem}.py.") from e
    lines, notes = [], []
    for number, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        source = cell.source.splitlines()
        if source and source[0].startswith("%%"):
            if not source[0].startswith(KEPT_CELL_MAGICS):
                notes.append(f"cell {number}: the {source[0].split()[0]} cell was left out")
                continue
            source = source[1:]
        lines.append(f"# --- cell {number}")
        for line in source:
            stripped = line.lstrip()
            if stripped.startswith(("%", "!")):
                indent = line[: len(line) - len(stripped)]
                lines.append(f"{indent}pass  # ulp removed: {stripped}")
                notes.append(f"cell {number}: removed `{stripped[:60]}` (IPython only)")
            else:
                lines.append(line)
    if notes:
        notes.insert(0, f"{path.name} was turned into a module; line numbers in messages refer to it")
    return "\n".join(lines) + "\n", notes
