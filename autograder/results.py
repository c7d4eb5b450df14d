"""Gradescope's results.json, built from the plugin's verdicts.

The output conforms to the "Output format" of Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/); the JSON Schema in
``schemas/gradescope-results.schema.json`` encodes it, and :func:`validate` checks every file
we write against it. Facts for instructors (seed, versions, isolation, device, what the
submission attempted) go in ``extra_data``, which Gradescope stores but does not show students.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import re
import sys
from importlib import metadata
from pathlib import Path

from autograder.sandbox import describe_flags  # the flags' words live with the sandbox

SCHEMA_PATH = Path(__file__).parent / "schemas" / "gradescope-results.schema.json"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Text from student code minus control characters (terminal escapes, bells)."""
    return _CONTROL.sub("\ufffd", text)
STUDENT_OUTPUT_KEEP = 16 * 1024


def versions() -> dict:
    found = {"python": platform.python_version()}
    for dist in ("ulp", "numpy", "hypothesis", "pytest", "torch", "triton"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return found


def _test_entry(number: int, outcome, hidden_feedback: str) -> dict:
    if outcome.hidden:
        output = ("Passed." if outcome.passed else "Failed. " + hidden_feedback)
    else:
        lines = [outcome.description] if outcome.description else []
        if not outcome.passed:
            lines.append(outcome.feedback or "Failed.")
        output = "\n\n".join(lines)
    tags = ["hidden" if outcome.hidden else "public"] + [f"function:{f}" for f in outcome.functions]
    return {
        "name": outcome.name,
        "number": str(number),
        "score": outcome.points if outcome.passed else 0.0,
        "max_score": outcome.points,
        "status": "passed" if outcome.passed else "failed",
        "output": clean_text(output),
        "output_format": "text",
        "visibility": "visible",
        "tags": tags,
    }


def build(*, assignment_id: str, student_id: str, outcomes: list, submission_bytes: bytes | None,
          seed: int, isolation: dict, device: str, elapsed: float, tests_hash: str,
          messages: list[str], not_graded: list[str], events: list[str],
          student_output: bytes = b"", hidden_feedback: str = "") -> dict:
    """The results.json dict for one graded submission."""
    tests = [_test_entry(i, o, hidden_feedback) for i, o in enumerate(outcomes, 1)]
    score = sum(t["score"] for t in tests)
    max_score = sum(t["max_score"] for t in tests)
    summary = [f"{assignment_id}: {score:g} / {max_score:g} points."]
    summary += messages
    if not_graded:
        summary.append(f"Not graded on this machine ({device}, no CUDA GPU): "
                       f"{', '.join(not_graded)}. Speed is graded only on a GPU.")
    if isolation.get("warnings"):
        summary.append("Grader note: " + " ".join(isolation["warnings"]))
    flags = sorted(set(events))
    summary += describe_flags(flags)
    return {
        "score": score,
        "execution_time": round(elapsed, 3),
        "output": clean_text("\n".join(summary)),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "ulp": {
                "assignment": assignment_id,
                "student_id": student_id,
                "max_score": max_score,
                "seed": seed,
                "tests_hash": tests_hash,
                "submission_sha256": hashlib.sha256(submission_bytes).hexdigest()
                if submission_bytes is not None else None,
                "device": device,
                "isolation": isolation,
                "versions": versions(),
                "flags": flags,
                "not_graded": not_graded,
                # error-vs-bound pairs for the report's plots; visible tests only (no hidden input)
                "observations": {o.name: o.observations for o in outcomes
                                 if getattr(o, "observations", None) and not o.hidden},
                "student_output": clean_text(student_output[:STUDENT_OUTPUT_KEEP].decode("utf-8", "replace")),
            }
        },
    }


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text())
    return jsonschema.Draft202012Validator(schema)


def validate(results: dict) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``results`` follows Gradescope's format."""
    _validator().validate(results)


def write(results: dict, path: Path) -> None:
    validate(results)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(results, indent=2, sort_keys=False, allow_nan=False))
    tmp.replace(path)


def summary_of(results: dict) -> dict:
    """The few numbers a class table needs."""
    ulp = results.get("extra_data", {}).get("ulp", {})
    return {"score": results.get("score", 0.0), "max_score": ulp.get("max_score", 0.0),
            "flags": ulp.get("flags", []), "failed": [t["name"] for t in results.get("tests", [])
                                                      if t["status"] == "failed"]}


if __name__ == "__main__":  # pragma: no cover - a tiny validator for people: python -m autograder.results FILE
    for arg in sys.argv[1:]:
        validate(json.loads(Path(arg).read_text()))
        print(f"{arg}: valid")
