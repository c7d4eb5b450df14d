"""Gradescope's results.json, rendered from a :class:`~autograder.model.Grade` and read back.

The output conforms to the "Output format" of Gradescope's autograder specification; the JSON
Schema in ``schemas/gradescope-results.schema.json`` encodes it, together with what ulp keeps in
``extra_data.ulp`` (Gradescope stores ``extra_data`` but does not show it to students), and
:func:`validate` checks every file written and every file read back for a resume.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

from autograder.model import Adjustment, Grade, Late, TestVerdict

SCHEMA_PATH = Path(__file__).parent / "schemas" / "gradescope-results.schema.json"


def _test_json(number: int, t: TestVerdict) -> dict:
    tags = (["hidden" if t.hidden else "public"] + [f"function:{f}" for f in t.functions]
            + (["manual"] if t.manual else []))
    out = {"name": t.name, "number": str(number), "score": t.score, "max_score": t.points,
           "output": t.output, "output_format": "text", "visibility": t.visibility, "tags": tags}
    if not t.manual:  # an answer left for grading by hand has not passed or failed yet
        out["status"] = t.status
    if t.answer is not None:
        out["extra_data"] = {"answer": t.answer}
    return out


def _test(t: dict) -> TestVerdict:
    tags = t.get("tags", [])
    score, points = float(t.get("score", 0)), float(t["max_score"])
    return TestVerdict(name=t["name"], points=points, passed=t.get("status") == "passed",
                       hidden="hidden" in tags, output=t.get("output", ""),
                       functions=[x.split(":", 1)[1] for x in tags if x.startswith("function:")],
                       earned=score if 0 < score < points else None, manual="manual" in tags,
                       answer=(t.get("extra_data") or {}).get("answer"),
                       visibility=t.get("visibility", "visible"))


def to_json(g: Grade) -> dict:
    """The results.json dict of a grade."""
    ulp = {"assignment": g.assignment, "student_id": g.student_id, "max_score": g.max_score,
           "flags": list(g.flags)}
    if g.grader_error is not None:
        ulp["grader_error"] = g.grader_error
    if g.seed is not None:
        ulp.update(seed=g.seed, tests_hash=g.tests_hash, submission_sha256=g.submission_sha256,
                   device=g.device, isolation=g.isolation, versions=g.versions,
                   not_graded=g.not_graded, observations=g.observations,
                   student_output=g.student_output)
    if g.late is not None:
        ulp["late"] = {"submitted_at": g.late.submitted_at, "days_late": g.late.days_late,
                       "penalty": g.late.penalty, "raw_score": g.late.raw_score,
                       "final_score": g.late.final_score, "due": g.late.due}
    if g.attempt is not None:
        ulp["attempt"] = g.attempt
    if g.adjustment is not None:
        a = g.adjustment
        ulp["adjustment"] = {"kind": a.kind, "points": a.points, "reason": a.reason,
                             "made_at": a.made_at, "made_by": a.made_by}
    if g.final_score != g.score:
        ulp["raw_score"] = g.score  # what the tests gave; the top-level score is the final one
    # Gradescope shows the top-level score: the final one; the raw score stays in late.raw_score
    out = {"score": g.final_score, "execution_time": g.execution_time, "output": g.output,
           "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
           "tests": [_test_json(i, t) for i, t in enumerate(g.tests, 1)],
           "extra_data": {"ulp": ulp}}
    if g.leaderboard:
        out["leaderboard"] = [dict(e) for e in g.leaderboard]
    return out


def from_json(d: dict) -> Grade:
    """The grade a results.json dict holds (validated first: a file that does not follow the
    schema raises ``jsonschema.ValidationError``)."""
    validate(d)
    u = d["extra_data"]["ulp"]
    late = u.get("late")
    return Grade(
        assignment=u["assignment"], student_id=u["student_id"],
        score=float(u.get("raw_score", d["score"])),
        max_score=float(u["max_score"]),
        tests=[_test(t) for t in d.get("tests", [])],
        output=d.get("output", ""), execution_time=float(d.get("execution_time", 0.0)),
        flags=list(u.get("flags", [])), seed=u.get("seed"), tests_hash=u.get("tests_hash"),
        submission_sha256=u.get("submission_sha256"), device=u.get("device", "cpu"),
        isolation=u.get("isolation") or {}, versions=u.get("versions") or {},
        not_graded=list(u.get("not_graded") or []), observations=u.get("observations") or {},
        student_output=u.get("student_output", ""), grader_error=u.get("grader_error"),
        late=Late(**late) if late else None, attempt=u.get("attempt"),
        adjustment=Adjustment(**u["adjustment"]) if u.get("adjustment") else None,
        leaderboard=[dict(e) for e in d.get("leaderboard", [])])


@functools.lru_cache(maxsize=1)
def validator():
    """The schema's validator, built once per process (0.17 s: a fork server builds it before
    it forks)."""
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


def validate(results: dict) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``results`` follows Gradescope's format and
    ulp's ``extra_data``."""
    validator().validate(results)


def write(g: Grade, path: Path) -> None:
    """results.json for ``g``, validated, written atomically (a grade that exists is complete)."""
    d = to_json(g)
    validate(d)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(d, indent=2, allow_nan=False))
    tmp.replace(path)


def read(path: Path) -> Grade | None:
    """The grade stored at ``path``, or None where there is none or it is not a valid one."""
    try:
        return from_json(json.loads(Path(path).read_text()))
    except Exception:  # noqa: BLE001 - unreadable, not JSON, not valid: there is no grade here
        return None


def main(argv: list[str]) -> int:  # pragma: no cover - python -m autograder.output.results FILE
    for arg in argv:
        try:
            validate(json.loads(Path(arg).read_text()))
        except Exception as e:  # noqa: BLE001
            raise SystemExit(f"{arg}: not a valid results.json: {e}") from None
        print(f"{arg}: valid")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
