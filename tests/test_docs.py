"""The documentation's examples work: the parametrize example of docs/authoring.md, put beside
the assignment `ulp new` writes, is graded with the points it declares."""

from __future__ import annotations

import re

from autograder.course import scaffold
from autograder.course.assignment import load
from autograder.course.tests import collect
from helpers import ROOT, grade_one


def parametrize_example() -> str:
    text = (ROOT / "docs" / "authoring.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    found = [b for b in blocks if "@pytest.mark.parametrize" in b]
    assert len(found) == 1, "docs/authoring.md has one parametrize example"
    return found[0]


def test_the_parametrize_example_is_graded_with_its_points(tmp_path, monkeypatch):
    course = tmp_path / "course"
    scaffold.new(course, "doubling")
    a = load(course, "doubling")
    before = sum(t.points for t in collect(a))
    (a.public_tests / "test_doc_example.py").write_text(parametrize_example())
    cases = [t for t in collect(a) if t.name.startswith("test_double_rejects_what_is_not_an_int")]
    assert [(t.name, t.points) for t in cases] == [
        ("test_double_rejects_what_is_not_an_int[float]", 1.0),
        ("test_double_rejects_what_is_not_an_int[str]", 1.0),
        ("test_double_rejects_what_is_not_an_int[None]", 1.0)]
    monkeypatch.setenv("ULP_COURSE_DIR", str(course))
    ref = grade_one("doubling", "reference", a.reference, tmp_path / "ref")
    stub = grade_one("doubling", "stub", a.stub, tmp_path / "stub")
    assert ref["score"] == ref["extra_data"]["ulp"]["max_score"] == before + 3
    assert stub["score"] == 0
    graded = {t["name"]: t["score"] for t in ref["tests"]}
    assert sum(v for k, v in graded.items() if "not_an_int" in k) == 3
