"""``ulp export otter``: an assignment as an otter-grader autograder, graded by ulp.

The folder written is what otter's own ``otter generate`` turns into an autograder zip, which
``otter run`` (one submission, here), ``otter grade`` or Gradescope then runs:

- ``tests/<question>.py``: otter test files, one case per ulp test (public and hidden, hidden
  ones marked hidden for otter too), each answered by ulp grading the submitted notebook in its
  sandbox (:mod:`autograder.batch.otter`);
- ``otter_config.json``: names ulp's otter plugin, which keeps otter from executing the
  student's code cells in its own kernel (otter would run them unsandboxed);
- ``requirements.txt``: ulp's wheel (with the extras the assignment needs) for otter's image;
- ``course/``: the assignment as the grader needs it (its tests, reference and stub, as in the
  Gradescope zip of ``ulp release``), ``wheels/`` the engine, ``course_secret`` where one is set.

It holds the reference and the hidden tests: it is for the course staff, never for students.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from autograder.course import otter as course_otter
from autograder.course import release as releases
from autograder.course.assignment import Assignment

PLUGIN = "autograder.batch.otter.UlpPlugin"
FILES = ("course", "wheels")  # what `otter generate` is told to pack (its files/ folder)

README = """\
# {id} for otter-grader (written by `ulp export otter`)

This folder holds the reference solution and the hidden tests: keep it private.

```
cd {folder}
otter generate {files}                # otter's autograder zip: autograder.zip
otter run -a autograder.zip SUBMISSION     # grade one submission (a notebook, or its export zip)
```

Upload autograder.zip to Gradescope as an otter autograder, or use it with `otter grade`.
Each otter test case is one ulp test; ulp grades the submitted notebook as a module in its
sandbox (public and hidden tests, ulp's points), and ulp's plugin keeps otter from running the
student's cells itself. Students get the notebook from `ulp release {id} --notebook`.
"""


def write(a: Assignment, out: Path, questions: dict[str, list], wheel: tuple[str, bytes],
          requirements: tuple[list[str], list[str]], secret: bytes | None, *,
          allow_weak_isolation: bool = False) -> Path:
    """Write the folder (see the module docstring) into ``out``; returns it."""
    out = Path(out)
    for name in ("tests", *FILES):  # a re-export replaces what an earlier one wrote
        shutil.rmtree(out / name, ignore_errors=True)
    (out / "tests").mkdir(parents=True)
    options = {"course": ["../source/files/course", "course"],
               "secret": "../source/files/course_secret" if secret else None,
               "allow_weak_isolation": allow_weak_isolation}
    for question, tests in questions.items():
        (out / "tests" / f"{question}.py").write_text(
            course_otter.test_file(a, question, tests, "grade", **options))
    for name, (data, mode) in releases.gradescope_files(a, secret).items():
        if name.startswith("course/") or name == "course_secret":
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            target.chmod(mode)
    files = list(FILES) + (["course_secret"] if secret else [])
    (out / "wheels").mkdir(exist_ok=True)
    (out / "wheels" / wheel[0]).write_bytes(wheel[1])
    extras, packages = requirements
    spec = f"ulp-autograder[{','.join(['otter', *extras])}]"
    (out / "requirements.txt").write_text("\n".join(
        [f"{spec} @ file:///autograder/source/files/wheels/{wheel[0]}", *packages]) + "\n")
    (out / "otter_config.json").write_text(json.dumps(
        {"lang": "python", "plugins": [PLUGIN], "pdf": False}, indent=2) + "\n")
    (out / "README.md").write_text(README.format(id=a.id, folder=out, files=" ".join(files)))
    return out
