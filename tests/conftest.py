"""Fixtures shared by the project's tests (helpers.py has the plain functions)."""

from __future__ import annotations

import pytest

from helpers import TOY


@pytest.fixture(scope="module")
def toy_env():
    """The toy course (tests/fixtures/toycourse) as the course, with a course secret."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ULP_COURSE_DIR", str(TOY))
    mp.setenv("ULP_COURSE_SECRET", "a secret that must not leak")
    yield
    mp.undo()
