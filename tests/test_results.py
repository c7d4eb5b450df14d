"""results.json follows Gradescope's schema, and hidden tests reveal nothing."""

import jsonschema
import pytest

from autograder import results
from autograder.plugin import Verdict


def build(outcomes):
    return results.build(assignment_id="a", student_id="s", outcomes=outcomes, submission_bytes=b"x",
                         seed=1, isolation={"level": "bwrap", "layers": [], "warnings": []}, device="cpu",
                         elapsed=1.5, tests_hash="h", messages=[], not_graded=["test_speed"], events=["timeout"])


def outcomes():
    return [Verdict("test_a", "n::test_a", 2, False, "checks a", True),
            Verdict("test_b", "n::test_b", 3, False, "checks b", False, "b(1) = 2, expected 3"),
            Verdict("test_c", "n::test_c", 1, True, "secret", False, "input was 12345")]


def test_results_validate_and_score():
    res = build(outcomes())
    results.validate(res)
    assert res["score"] == 2 and res["extra_data"]["ulp"]["max_score"] == 6
    assert [t["status"] for t in res["tests"]] == ["passed", "failed", "failed"]
    assert "expected 3" in res["tests"][1]["output"]
    assert "Speed is graded only on a GPU" in res["output"]


def test_hidden_feedback_reveals_no_input():
    hidden = build(outcomes())["tests"][2]
    assert "12345" not in hidden["output"] and "secret" not in hidden["output"]


@pytest.mark.parametrize("mutate", [lambda r: r["tests"][0].update(status="ok"),
                                    lambda r: r.update(visibility="public"),
                                    lambda r: r["tests"][0].update(score="2"),
                                    lambda r: r.update(surprise=1)])
def test_schema_rejects_what_gradescope_rejects(mutate):
    res = build(outcomes())
    mutate(res)
    with pytest.raises(jsonschema.ValidationError):
        results.validate(res)
