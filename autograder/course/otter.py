"""An assignment as otter-grader sees it: a student notebook and otter test files.

The notebook (:func:`notebook`) holds the statement as markdown, a first code cell that starts
otter (``grader = otter.Notebook(...)``), the stub's module-level lines (imports, constants, the
hand part) in one code cell, then for each function of the stub its code cell followed by a check
cell ``grader.check("<function>")``, and at the end ``grader.check_all()`` and
``grader.export(pdf=False)``. Graded, its code cells form the stub again: otter's lines become
``pass`` (:mod:`autograder.course.notebook`).

Each question's otter test file (:func:`test_file`) is otter's exception-based format with one
test case per ulp test, with its name and points. A case does not test the kernel's variables:
it calls :mod:`autograder.batch.otter`, which grades the *saved notebook* as a module in ulp's
sandbox (the same grading as ``ulp check``, or as the grader for an otter autograder) and
answers that one test's verdict, with ulp's message and shrunk input. Which tests belong to
which question is measured once (the function a test calls on the reference, the last in the
notebook's order where it calls several) and given here as data, so a test counts once.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from autograder.course.assignment import Assignment
from autograder.course.notebook import cell, written
from autograder.errors import CourseError

VALUES = "values"  # the question of tests that call no function (attributes: the hand part)
CHECK_KINDS = ("check", "grade")  # a student's check (public tests), an otter autograder's grade


def split_module(source: str, path: Path | str = "<stub>") -> tuple[str, str, list[tuple[str, str]]]:
    """(docstring, module-level lines before the first function, [(function, its lines)]) of a
    module: a function's lines run from the end of the statement before it (comments and
    decorators above it included) to its last line; statements after the last function go with
    it."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise CourseError(f"{path} does not parse ({e}): fix it before releasing") from e
    lines = source.splitlines()
    body = list(tree.body)
    doc = ""
    start = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        doc = body[0].value.value
        start = body[0].end_lineno
        body = body[1:]
    defs = [i for i, n in enumerate(body) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not defs:
        return doc, "\n".join(lines[start:]).strip("\n"), []

    def cut(i: int) -> int:
        """Where function ``body[i]``'s lines begin (0-based): its decorators and the comment
        lines right above it included."""
        floor = body[i - 1].end_lineno if i > 0 else start
        line = min([body[i].lineno] + [d.lineno for d in body[i].decorator_list]) - 1
        while line > floor and lines[line - 1].strip().startswith("#"):
            line -= 1
        return line

    cuts = [cut(i) for i in defs] + [len(lines)]
    preamble = "\n".join(lines[start:cuts[0]]).strip("\n")
    functions = [(body[i].name, "\n".join(lines[cuts[k]:cuts[k + 1]]).strip("\n"))
                 for k, i in enumerate(defs)]
    return doc, preamble, functions


def notebook(a: Assignment, statement: str, questions: dict[str, list]) -> bytes:
    """The student notebook of ``a`` (its file's bytes): see the module docstring.
    ``questions`` maps each question (a function, or :data:`VALUES`) to its tests."""
    if not a.stub.exists():
        raise CourseError(f"{a.stub} is missing: every assignment needs a stub for students")
    doc, preamble, functions = split_module(a.stub.read_text(), a.stub)
    n = iter(range(1000))
    cells = [cell("markdown", statement.strip(), "statement", next(n)),
             cell("markdown", "Run the next cell first: it loads the checks. Under each function "
                   f"you write, `grader.check(...)` runs ulp's public tests on this notebook "
                   f"**as saved** (save it first), in a sandbox, the same as `ulp check {a.id}`.",
                   None, next(n)),
             cell("code", f'import otter\ngrader = otter.Notebook("{a.id}.ipynb")', "otter", next(n))]
    if doc.strip():
        cells.append(cell("markdown", "From the stub:\n\n```text\n" + doc.strip() + "\n```",
                           None, next(n)))
    if preamble.strip():
        cells.append(cell("code", preamble, "module", next(n)))
        if questions.get(VALUES):
            cells.append(cell("code", f'grader.check("{VALUES}")', "check", next(n)))
    for name, source in functions:
        cells.append(cell("markdown", f"### `{name}`", None, next(n)))
        cells.append(cell("code", source, name, next(n)))
        if questions.get(name):
            cells.append(cell("code", f'grader.check("{name}")', "check", next(n)))
    cells.append(cell("markdown", "## Submit\n\nSave the notebook, then run the next cell: it "
                       "runs every check and writes the zip to submit.", None, next(n)))
    cells.append(cell("code", "grader.check_all()", "check", next(n)))
    cells.append(cell("code", "grader.export(pdf=False)", "otter", next(n)))
    return written(cells, a.id)


def test_file(a: Assignment, question: str, tests: list, kind: str = "check", **options) -> str:
    """The otter test file (exception-based format) of one question: one case per ulp test
    ``(name, points, hidden)``; each case asks :mod:`autograder.batch.otter` for that test's
    verdict (``kind``: ``check`` grades with the public tests as ``ulp check``, ``grade`` with
    every test as the grader). ``options`` (JSON data) are passed on to it."""
    if kind not in CHECK_KINDS:
        raise ValueError(kind)
    out = [f'"""otter test file of {a.id}, question {question}: written by ulp from the '
           f"assignment's {'public ' if kind == 'check' else ''}tests. Each case is one ulp test, "
           f'graded by ulp in its sandbox."""',
           "", "from otter.test_files import test_case", "",
           "OK_FORMAT = False", f"name = {question!r}", "points = None", ""]
    for number, (test, points, hidden) in enumerate(tests, 1):
        out += [f"@test_case(name={test!r}, points={float(points)!r}, hidden={bool(hidden)!r})",
                f"def case_{number}(env):",
                "    from autograder.batch.otter import answer",
                f"    answer(env, {a.id!r}, {test!r}, {kind!r}, {json.dumps(options)!r})", "", ""]
    return "\n".join(out).rstrip() + "\n"


def questions_from(tests: list, functions: list[str]) -> dict[str, list]:
    """Tests ``(name, points, hidden, functions called)`` by question: the function in
    ``functions`` (the notebook's order) that the test calls last in that order, or
    :data:`VALUES` for a test that calls none; in the tests' order."""
    order = {f: i for i, f in enumerate(functions)}
    out: dict[str, list] = {}
    for name, points, hidden, called in tests:
        known = [f for f in called if f in order]
        question = max(known, key=order.__getitem__) if known else VALUES
        out.setdefault(question, []).append((name, points, hidden))
    return out


README = """
## Or work in Jupyter

`{id}.ipynb` is the same assignment as a notebook: the statement, one code cell per function,
and under each a check cell. The checks run with otter-grader, so install the checker with its
otter extra (in the virtual environment above) and open the notebook:

```
.venv/bin/pip install "wheels/{wheel}[{extras}]"
.venv/bin/jupyter lab {id}.ipynb     # or any Jupyter that runs this virtual environment's kernel
```

`grader.check("...")` grades the notebook **as saved** (save it first) with the public tests, in
the same sandbox as `ulp check`, and shows each test's message and smallest failing input. The
last cell, `grader.export(pdf=False)`, writes the zip to submit. The code cells are graded as
one module, in order: the check and otter lines are left out, anything else counts.
"""


def bundle_files(a: Assignment, statement: str, questions: dict[str, list], wheel: str,
                 extras: list[str], top: str) -> dict[str, bytes]:
    """Zip member name -> content: the notebook and its otter test files, for the student
    bundle (under ``top``), and the README section that says how to use them."""
    files = {f"{top}{a.id}.ipynb": notebook(a, statement, questions)}
    for question, tests in questions.items():
        files[f"{top}tests/{question}.py"] = test_file(a, question, tests, "check").encode()
    files[f"{top}README-notebook.md"] = README.format(
        id=a.id, wheel=wheel, extras=",".join(["otter", *extras])).lstrip().encode()
    return files
