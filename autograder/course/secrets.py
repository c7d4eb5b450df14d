"""What the course secret derives: each student's hypothesis seed, per-student values (variants)
and keyed digests of their answers.

All are HMAC-SHA256 under the course secret, so a statement rendered for a student and the
grader agree without storing anything, and nobody without the secret can compute them. Without
a secret every student gets the defaults (the key below), which the statement shows anyway.
The secret never reaches a worker.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random

from autograder.course.assignment import Assignment, load_module

DEFAULT_SEED_KEY = b"ulp: no course secret set"


def _hmac_int(secret: bytes | None, *parts: str) -> int:
    message = "\0".join(parts).encode()
    digest = hmac.new(secret or DEFAULT_SEED_KEY, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def rng(secret: bytes | None, *parts: str) -> random.Random:
    """A random generator seeded by the HMAC of ``parts``: the same draw on every machine that
    has the secret (a quiz's parameters and option order)."""
    return random.Random(_hmac_int(secret, *parts))


def seed(secret: bytes | None, assignment_id: str, student_id: str) -> int:
    """Hypothesis's seed for this student and assignment: the same on every regrade."""
    return _hmac_int(secret, "seed", assignment_id, student_id)


def drawn(module, secret: bytes | None, student_id: str | None, *where: str) -> dict:
    """A student's values from course code defining ``DEFAULTS`` and optionally ``draw(rng)``:
    drawn with an rng seeded by the HMAC of ``where`` and the student when a course secret is
    set, else the defaults every student shares."""
    if secret is None or student_id is None or not hasattr(module, "draw"):
        return dict(module.DEFAULTS)
    return dict(module.draw(rng(secret, *where, student_id)))


def variant(a: Assignment, secret: bytes | None, student_id: str | None) -> dict:
    """The student's per-student values (``variants.py``), or the defaults (:func:`drawn`)."""
    path = a.folder / "variants.py"
    if not path.exists():
        return {}
    return drawn(load_module(path, f"ulp_variants_{a.id}"), secret, student_id, "variant", a.id)


def _plain(value):
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()  # a NumPy scalar or 0-d array: its Python value
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def canonical(value) -> str:
    """The text an answer is digested as: JSON, keys sorted, tuples as lists, NumPy scalars as
    their Python values; ``1``, ``1.0``, ``True`` and ``"1"`` all differ."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=repr)


def answer_digest(secret: bytes | None, assignment_id: str, student_id: str, value) -> str:
    """A keyed digest of one student's answer (hex), for checks that must not show the answer.

    A plain salted hash would not do: the answers it protects come from tiny sets (a sign bit,
    an 8-bit exponent), and anyone could try them all; without the secret the HMAC cannot be
    computed."""
    message = "\0".join(["answer", assignment_id, str(student_id), canonical(value)]).encode()
    return hmac.new(secret or DEFAULT_SEED_KEY, message, hashlib.sha256).hexdigest()


def answer_matches(secret: bytes | None, assignment_id: str, student_id: str, value,
                   digest: str) -> bool:
    """Whether ``value`` is the answer whose :func:`answer_digest` is ``digest``."""
    return hmac.compare_digest(answer_digest(secret, assignment_id, student_id, value), str(digest))
