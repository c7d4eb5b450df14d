"""results.json is a rendering of a Grade: it follows Gradescope's schema (and ulp's extra_data),
reads back to the same Grade, and hidden tests reveal nothing."""

import jsonschema
import pytest

from autograder.model import Grade, Late
from autograder.output import results
from autograder.session.grade import _verdict
from autograder.session.plugin import Verdict


def verdicts():
    return [_verdict(v) for v in (
        Verdict("test_a", "n::test_a", 2, False, "checks a", True, functions=["a"]),
        Verdict("test_b", "n::test_b", 3, False, "checks b", False, "b(1) = 2, expected 3"),
        Verdict("test_c", "n::test_c", 1, True, "secret", False, "input was 12345"))]


def grade(**changes) -> Grade:
    tests = verdicts()
    values = dict(assignment="a", student_id="s", score=sum(t.score for t in tests),
                  max_score=sum(t.points for t in tests), tests=tests, output="a: 2 / 6 points.",
                  execution_time=1.5, flags=["timeout"], seed=1, tests_hash="h",
                  submission_sha256="0" * 64, isolation={"level": "bwrap", "layers": [], "warnings": []},
                  versions={"python": "3.11"}, not_graded=["test_speed"])
    values.update(changes)
    return Grade(**values)


def test_results_validate_and_score():
    res = results.to_json(grade())
    results.validate(res)
    assert res["score"] == 2 and res["extra_data"]["ulp"]["max_score"] == 6
    assert [t["status"] for t in res["tests"]] == ["passed", "failed", "failed"]
    assert "expected 3" in res["tests"][1]["output"]
    assert res["tests"][0]["tags"] == ["public", "function:a"]


def test_a_grade_reads_back_as_it_was_written():
    g = grade(late=Late("2026-10-02T00:00:00+00:00", 1, 0.1, 2.0, 1.8), attempt=2,
              leaderboard=[{"name": "TFLOP/s", "value": 312.5, "order": "desc"}])
    res = results.to_json(g)
    assert res["leaderboard"] == g.leaderboard  # Gradescope's own key, beside the tests
    assert results.from_json(res) == g
    failure = Grade.failure("a", "s", "the pool died", 1.0, timed_out=True)
    assert results.from_json(results.to_json(failure)) == failure


def test_hidden_feedback_reveals_no_input():
    hidden = results.to_json(grade())["tests"][2]
    assert "12345" not in hidden["output"] and "secret" not in hidden["output"]


@pytest.mark.parametrize("mutate", [lambda r: r["tests"][0].update(status="ok"),
                                    lambda r: r.update(visibility="public"),
                                    lambda r: r["tests"][0].update(score="2"),
                                    lambda r: r.update(surprise=1),
                                    lambda r: r["extra_data"]["ulp"].update(surprise=1),
                                    lambda r: r["extra_data"]["ulp"].update(seed="1"),
                                    lambda r: r["extra_data"]["ulp"].pop("student_id")])
def test_schema_rejects_what_gradescope_rejects_and_what_ulp_never_writes(mutate):
    res = results.to_json(grade())
    mutate(res)
    with pytest.raises(jsonschema.ValidationError):
        results.validate(res)
    assert results.read.__doc__  # a file like this one is not a grade: read() gives None
