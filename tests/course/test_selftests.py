"""Every assignment's self-test: each sample in assignments/<id>/selftest/ scores what its
expected.toml says (correct ones full marks, each buggy one exactly its function's tests,
malicious ones zero), the reference full marks and the stub zero."""

from __future__ import annotations

import pytest

from autograder.course import selftest
from autograder.course.assignment import list_ids
from autograder.output.report import split_example
from helpers import ROOT, assignment
from selftest import LOOP, LOOP_CALL_LIMIT_S, graded

CASES = [(aid, name) for aid in list_ids(ROOT)
         for name in selftest.expectations(assignment(aid, ROOT))]
# (the Triton assignments' endless samples define no kernel: they are refused before any call)
LOOPING = [aid for aid, name in CASES if name == LOOP and not assignment(aid, ROOT).gpu]


@pytest.mark.parametrize("aid", list_ids(ROOT))
def test_every_sample_has_an_expected_outcome(aid):
    a = assignment(aid, ROOT)
    present = {s.student_id for s in selftest.samples(a)}
    listed = set(selftest.expectations(a))
    assert present == listed, f"unlisted: {sorted(present - listed)}, missing: {sorted(listed - present)}"


@pytest.mark.parametrize(("aid", "name"), CASES, ids=[f"{a}/{n}" for a, n in CASES])
def test_sample_scores_as_expected(aid, name):
    expected = selftest.expectations(assignment(aid, ROOT))[name]
    problems = expected.problems(graded(aid)[name])
    assert not problems, "\n".join(problems)  # whole, not cut short by pytest's diff


@pytest.mark.parametrize("aid", LOOPING)
def test_the_endless_sample_scores_zero_because_its_calls_were_stopped(aid):
    """It is graded at a shorter call limit, in a copy of the course (tests/selftest.py): its
    zero must come from calls stopped at that limit, never from a grading that could not run."""
    grade = graded(aid)[LOOP]
    stopped = [t.name for t in grade.tests
               if f"did not return within {LOOP_CALL_LIMIT_S:g} s" in t.output]
    assert "timeout" in grade.flags and stopped, (grade.flags,
                                                  [t.output[:200] for t in grade.tests])


def test_the_sample_class_is_built_from_the_self_tests():
    """examples/class holds no copies: each file links to a self-test sample (one source)."""
    files = sorted(f for f in (ROOT / "examples" / "class").glob("*/*")
                   if f.suffix in (".py", ".toml", ".ipynb"))  # modules, a quiz's answers
    assert len(files) >= 25
    for f in files:
        assert f.is_symlink(), f"{f} is a copy; link it to a sample in assignments/<id>/selftest/"
        target = f.resolve()
        assert target.parent == ROOT / "assignments" / f.stem / "selftest" and target.is_file(), f


def test_a_failing_config_shows_the_keys_that_matter():
    """kv_cache's smallest failing input once printed a whole 22-key config.json; it shows the
    keys that decide the cache size now (the student's function still gets the whole dict)."""
    g = graded("kv_cache")["buggy_max_seq_len_off_by_one"]
    out = next(t.output for t in g.tests if t.name == "test_max_seq_len_is_the_largest_that_fits")
    example = split_example(out)[1]
    assert "'num_key_value_heads': 8" in example and "intermediate_size" not in example, example
