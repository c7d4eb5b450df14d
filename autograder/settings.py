"""The values that configure a grading, passed down explicitly (never read from the environment
below the command line).

- :class:`Limits`: what one worker may use, an assignment's ``[limits]`` table.
- :class:`GradingSettings`: what one run of ulp grades with: the course folder, the course
  secret, the examples cap of ``--max-examples``, the isolation asked for. The command line
  builds it once from its options and the environment (:meth:`GradingSettings.from_env`); the
  batch runner hands it to every backend, the fork server's children and Ray tasks receive it
  as data (:meth:`to_dict`), and the grading session reads only it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UsageError

COURSE_DIR_ENV = "ULP_COURSE_DIR"
SECRET_ENV = "ULP_COURSE_SECRET"
MAX_EXAMPLES_ENV = "ULP_MAX_EXAMPLES"
NO_FORK_SERVER_ENV = "ULP_NO_FORK_SERVER"
NO_WORKER_SERVER_ENV = "ULP_NO_WORKER_SERVER"
# bench/catch_rate.py only: skip the tests' explicit @example inputs, to measure what generated
# inputs alone catch. Never set for grading.
GENERATED_ONLY_ENV = "ULP_GENERATED_ONLY"
CACHE_DIR_ENV = "ULP_CACHE_DIR"  # where Gradescope export zips are unpacked
# Helper modules a submission may bring beside its module (copied into the sandbox with it).
MAX_HELPERS = 20
MAX_HELPER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker (the assignment's [limits] table)."""

    call_timeout_s: float = 10.0
    test_timeout_s: float = 60.0  # the student's time in one test: the grader's own never counts
    import_timeout_s: float = 60.0
    submission_timeout_s: float = 900.0
    memory_mb: int = 4096
    cpu_s: int = 600
    processes: int = 512
    open_files: int = 256
    file_size_mb: int = 64
    max_message_mb: int = 256
    # The most hypothesis examples one test runs. 10, not hypothesis's 100: examples are the
    # cost of grading (and of a student's wait for `ulp check`), the bugs every submission is
    # checked for sit in the tests' explicit @example inputs, which run at any count, and the
    # strategies aim their draws at the hard cases. bench/catch_rate.py --generated-only
    # (explicit examples off; the five CPU assignments' buggy samples x 5 seeds, 1,615
    # triples): 94.1 % at 10 examples, 96.2 % at 25, 97.4 % at 50; with the explicit
    # examples, 100 % at any count.
    max_examples: int = 10

    def rlimits(self) -> dict[str, int]:
        return {
            "RLIMIT_AS": self.memory_mb * 2**20,
            "RLIMIT_CPU": self.cpu_s,
            "RLIMIT_NPROC": self.processes,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_FSIZE": self.file_size_mb * 2**20,
            "RLIMIT_CORE": 0,
        }



def default_course_dir() -> Path:
    """The checkout this package lives in when it holds ``assignments/``, else the working folder."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "assignments").is_dir() else Path.cwd()


@dataclass(frozen=True)
class GradingSettings:
    """One run's settings; frozen, so every layer sees the same value."""

    course_dir: Path
    secret: bytes | None = None  # the course secret: seeds and per-student values (HMAC)
    max_examples: int | None = None  # caps every test's examples for this run, over [limits]
    isolation: str | None = None  # a weaker isolation level than the best available (tests)
    untrusted: bool = True  # students' code for a grade: only strong isolation (fail closed)
    allow_weak_isolation: bool = False  # untrusted code at a weaker level with a uid of its own
    generated_only: bool = False
    fork_server: bool = True  # grade batches in children of a pre-loaded grader
    worker_server: bool = True  # and fork their workers from a preloaded one (sandbox.preload)
    cache_dir: Path | None = None  # where export zips are unpacked (default: the temp folder)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> GradingSettings:
        """The settings the environment gives (the edge of the program reads it, once)."""
        env = os.environ if environ is None else environ
        course = env.get(COURSE_DIR_ENV)
        secret = env.get(SECRET_ENV)
        raw = env.get(MAX_EXAMPLES_ENV)
        values = dict(
            course_dir=Path(course).resolve() if course else default_course_dir(),
            secret=secret.encode() if secret else None,
            max_examples=positive_int(raw, f"${MAX_EXAMPLES_ENV}") if raw else None,
            generated_only=bool(env.get(GENERATED_ONLY_ENV)),
            fork_server=env.get(NO_FORK_SERVER_ENV) is None,
            worker_server=env.get(NO_WORKER_SERVER_ENV) is None,
            cache_dir=Path(env[CACHE_DIR_ENV]) if env.get(CACHE_DIR_ENV) else None)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes) -> GradingSettings:
        return dataclasses.replace(self, **changes)

    def to_dict(self, *, with_secret: bool = True) -> dict:
        """Plain data for a child process or a Ray task (JSON-ready)."""
        d = dataclasses.asdict(self)
        d["course_dir"] = str(self.course_dir)
        d["cache_dir"] = str(self.cache_dir) if self.cache_dir else None
        d["secret"] = self.secret.decode() if self.secret and with_secret else None
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> GradingSettings:
        d = dict(d)
        d["course_dir"] = Path(d["course_dir"])
        d["cache_dir"] = Path(d["cache_dir"]) if d.get("cache_dir") else None
        d["secret"] = d["secret"].encode() if d.get("secret") else None
        return cls(**d)


def positive_int(text, where: str) -> int:
    try:
        n = int(text)
    except (TypeError, ValueError):
        n = 0
    if n < 1:
        raise UsageError(f"{where} must be a whole number of at least 1, got {text!r}")
    return n
