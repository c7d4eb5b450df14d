"""``ulp new ID``: the three places a new assignment lives, written so that it validates at once.

``assignments/<id>/`` (settings, statement, one public and one hidden test, an empty self-test
folder), ``reference/<id>.py`` and ``student_template/<id>.py``. The self-tests always grade the
reference (full marks) and the stub (zero); the author adds correct, buggy and malicious samples
beside ``selftest/expected.toml`` and replaces the example function with the real ones.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder.errors import UsageError

ASSIGNMENT_ID = re.compile(r"[a-z][a-z0-9_]*")

TOML = '''\
title = "{title}"
# The functions students write; the tests call them through the `sub` fixture.
functions = ["double"]

[forbidden]
# Names a submission may not use, and why (the statement says it too).
names = []
why = ""

[limits]
call_timeout_s = 2
'''

STATEMENT = '''\
# {{{{ title }}}}{{% if student_id %}} — for {{{{ student_id }}}}{{% endif %}}

Total: {{{{ points }}}} points. Module: `{id}.py` (start from the stub `{id}.py`).
{{{{ submitting }}}}

## The contract

```python
def double(x: int) -> int      # 2 * x, for any Python int
```

- `x` is a Python `int`; anything else (a `float`, a `str`, a `bool`) raises **`TypeError`**.

## How it is graded

Every test calls one function; hidden tests show only their name and whether they passed.

| test | points | |
|------|--------|-|
{{% for name, pts, is_hidden in tests -%}}
| `{{{{ name }}}}` | {{{{ pts }}}} | {{{{ "hidden" if is_hidden else "" }}}} |
{{% endfor %}}

Check your work locally with `ulp check {id} {id}.py`.
'''

PUBLIC_TEST = '''\
"""Public tests of {id}: what `ulp check` runs for students."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.testing import points


@points(2)
@given(x=st.integers())
def test_double(sub, x):
    """double(x) is 2 * x."""
    got = sub.double(x)
    assert type(got) is int and got == 2 * x, f"double({{x}}) returned {{got!r}}, expected {{2 * x}}"


@points(1)
@pytest.mark.parametrize("bad", [1.5, "1", True])
def test_double_rejects(sub, bad):
    """double raises TypeError for anything but an int (one point per case)."""
    with pytest.raises(TypeError):
        sub.double(bad)
'''

HIDDEN_TEST = '''\
"""Hidden tests of {id}: students see only their names and verdicts."""

from autograder.testing import points


@points(1)
def test_hidden_double_large(sub):
    assert sub.double(2**100) == 2**101
'''

REFERENCE = '''\
"""Reference solution of {id} (never shipped to students)."""


def double(x):
    if type(x) is not int:
        raise TypeError(f"double takes an int, not {{type(x).__name__}}")
    return 2 * x
'''

STUB = '''\
"""{title}: write the functions below (see the statement)."""


def double(x):
    raise NotImplementedError
'''

EXPECTED = '''\
# What each sample submission in this folder (<name>.py) must score; the reference and the stub
# are always checked too (full marks, zero). One table per file:
#   [correct_loop]
#   outcome = "full"
#   [buggy_no_check]
#   fails = ["test_double_rejects[1.5]"]   # exactly these tests fail
#   says = "TypeError"                     # a failing visible test's feedback says this
#   [malicious_exit]
#   outcome = "zero"
'''


def new(course_dir: Path, assignment_id: str, title: str | None = None) -> list[Path]:
    """Write the new assignment's files; refuse to overwrite anything."""
    if not ASSIGNMENT_ID.fullmatch(assignment_id):
        raise UsageError(f"{assignment_id!r} cannot be an assignment id: use lower-case letters, "
                         "digits and _, starting with a letter (it is the student's module name)")
    course_dir = Path(course_dir)
    folder = course_dir / "assignments" / assignment_id
    title = title or assignment_id.replace("_", " ").capitalize()
    values = {"id": assignment_id, "title": title}
    files = {
        folder / "assignment.toml": TOML,
        folder / "statement.md.j2": STATEMENT,
        folder / "tests" / "public" / f"test_public_{assignment_id}.py": PUBLIC_TEST,
        folder / "tests" / "hidden" / f"test_hidden_{assignment_id}.py": HIDDEN_TEST,
        folder / "selftest" / "expected.toml": EXPECTED,
        course_dir / "reference" / f"{assignment_id}.py": REFERENCE,
        course_dir / "student_template" / f"{assignment_id}.py": STUB,
    }
    existing = [str(p) for p in files if p.exists()]
    if existing:
        raise UsageError(f"{', '.join(existing)} already exist: choose another id, or remove "
                         "them first")
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values))
    return list(files)
