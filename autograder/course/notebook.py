"""A notebook submission (``<id>.ipynb``) becomes the module its code cells form; and the
notebooks ulp writes for students (:func:`cell`, :func:`written`).

The notebook is read with nbformat (validated JSON, never executed here). IPython-only lines
(``%magic``, ``!shell``) cannot run in a plain module: each is replaced by ``pass`` with the
original in a comment, so indentation and line structure stay valid, and the student is told.

otter-grader's plumbing (``import otter``, ``grader = otter.Notebook(...)``, ``grader.check(...)``,
``grader.check_all()``, ``grader.export(...)``) runs in the student's Jupyter, never in the
grader: each such top-level statement becomes ``pass`` the same way (:func:`otter_spans`). Only
whole statements of that exact shape go; anything else in a check cell (a forged one) stays and
is graded as the code it is.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from autograder.errors import SubmissionError

KEPT_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")
NBFORMAT_MINOR = 5


def cell(kind: str, source: str, part: str | None = None, n: int = 0) -> dict:
    """Cell ``n`` of a notebook ulp writes (``kind``: markdown or code), with a stable id, so the
    same release gives the same bytes; ``part`` goes to ``metadata.ulp.part``."""
    out = {"cell_type": kind, "id": f"ulp-{n:03d}", "metadata": {}, "source": source}
    if part is not None:
        out["metadata"]["ulp"] = {"part": part}
    if kind == "code":
        out["execution_count"] = None
        out["outputs"] = []
    return out


def written(cells: list[dict], assignment_id: str) -> bytes:
    """The file of a notebook ulp writes: nbformat 4 JSON for a Python 3 kernel, naming its
    assignment in ``metadata.ulp``."""
    nb = {"cells": cells, "nbformat": 4, "nbformat_minor": NBFORMAT_MINOR,
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                      "name": "python3"},
                       "language_info": {"name": "python"},
                       "ulp": {"assignment": assignment_id}}}
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()


def to_module(path: Path) -> tuple[str, list[str]]:
    """(module source, notes for the student)."""
    import nbformat  # noqa: PLC0415 - only for notebooks: it costs every grading's start-up

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as e:  # nbformat raises several kinds: all mean "not a notebook"
        raise SubmissionError(
            f"{path.name} is not a notebook Jupyter can read ({type(e).__name__}: {e}). Open it "
            f"in Jupyter and save it again, or submit the code as {path.stem}.py.") from e
    lines, notes, otter = [], [], set()
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
        source = _without_otter(source, otter)
        for line in source:
            stripped = line.lstrip()
            if stripped.startswith(("%", "!")):
                indent = line[: len(line) - len(stripped)]
                lines.append(f"{indent}pass  # ulp removed: {stripped}")
                notes.append(f"cell {number}: removed `{stripped[:60]}` (IPython only)")
            else:
                lines.append(line)
    _hoist_future(lines)
    if notes:
        notes.insert(0, f"{path.name} was turned into a module; line numbers in messages refer to it")
    return "\n".join(lines) + "\n", notes


def _hoist_future(lines: list[str]) -> None:
    """``from __future__ import ...`` at the top level of any cell (IPython takes it anywhere) moves
    to the module's first line, where Python requires it; line numbers stay as they were."""
    found = [i for i, line in enumerate(lines) if line.startswith("from __future__ import ")]
    if not found or not lines:
        return
    moved = "; ".join(lines[i].split("#")[0].strip() for i in found)
    for i in found:
        lines[i] = f"pass  # ulp moved to line 1: {lines[i].strip()}"
    lines[0] = f"{moved}  {lines[0]}" if lines[0].startswith("#") else f"{moved}; {lines[0]}"


# --------------------------------------------------------------------------- otter's plumbing

def _otter_names(tree: ast.Module, known: set[str]) -> set[str]:
    """``known`` plus the names the top level of ``tree`` binds to otter: ``import otter [as o]``,
    ``from otter import Notebook``, and ``grader = <otter name>.Notebook(...)``."""
    names = set(known)
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {a.asname or a.name for a in node.names if a.name.split(".")[0] == "otter"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "otter" \
                and not node.level:
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Assign) and _rooted_in(node.value, names):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _rooted_in(node: ast.AST, names: set[str]) -> bool:
    """``node`` is a call of an attribute chain that starts at one of ``names`` (``grader.check``,
    ``otter.Notebook``, ``Notebook``)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    while isinstance(func, (ast.Attribute, ast.Call)):
        func = func.value if isinstance(func, ast.Attribute) else func.func
    return isinstance(func, ast.Name) and func.id in names


def _is_otter(node: ast.stmt, names: set[str]) -> bool:
    if isinstance(node, ast.Import):
        return all(a.name.split(".")[0] == "otter" for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "otter" and not node.level
    if isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        return all(isinstance(t, ast.Name) for t in targets) and _rooted_in(node.value, names)
    return False


def otter_spans(source: str, names: set[str]) -> list[tuple[int, int, int, int, str]]:
    """(first line, first column, last line, end column, replacement) of each top-level otter
    statement of ``source`` (lines from 1): ``pass``, or for ``import otter, numpy as np`` the
    import of the rest. ``names`` gains what the cell binds. None where the cell does not parse:
    it is graded as it is, and its syntax error says so."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    names |= _otter_names(tree, names)
    spans = []
    for n in tree.body:
        replacement = "pass" if _is_otter(n, names) else None
        if isinstance(n, ast.Import) and replacement is None:
            rest = [a for a in n.names if a.name.split(".")[0] != "otter"]
            if len(rest) < len(n.names):
                replacement = ast.unparse(ast.Import(names=rest))
        if replacement:
            spans.append((n.lineno, n.col_offset, n.end_lineno, n.end_col_offset, replacement))
    return spans


def _without_otter(source: list[str], names: set[str]) -> list[str]:
    """The cell's lines with each otter statement replaced by ``pass`` (kept in a comment), the
    lines and the columns of everything else unchanged; ``names`` (otter's names bound so far in
    the notebook) grows with what this cell binds."""
    text = "\n".join(line if not line.lstrip().startswith(("%", "!")) else "pass"
                     for line in source)
    lines = list(source)
    for first, col, last, end, replacement in reversed(otter_spans(text, names)):
        head, tail = lines[first - 1][:col], lines[last - 1][end:]
        if first == last:
            removed = lines[first - 1][col:end]
        else:
            removed = " ".join([lines[first - 1][col:].strip()]
                               + [x.strip() for x in lines[first:last - 1]]
                               + [lines[last - 1][:end].strip()])
        comment = "" if tail.strip() else f"  # ulp removed (otter): {removed[:80]}"
        lines[first - 1:last] = [f"{head}{replacement}{tail}{comment}"] + [""] * (last - first)
    return lines
