"""The domain model every layer speaks: a submission, a grade with its per-test verdicts, its
flags and late information, and the outcome of running one grading.

Gradescope's ``results.json`` is one rendering of a :class:`Grade`
(:mod:`autograder.output.results` writes it and reads it back); reports, the class report, the
gradebook and the exports read the same objects, never the JSON.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from pathlib import Path

# A student id that can name a file or folder (rosters, Gradescope exports, output folders).
STUDENT_ID = re.compile(r"[A-Za-z0-9@+_-][A-Za-z0-9.@+_-]*")

# The flags an instructor may see in extra_data.ulp.flags, each with the words the results'
# output uses for it. One place: the worker's events, the grader's inferences and the report.
FLAGS = {
    "exited early": "the code ended its own process (sys.exit, os._exit or a signal to itself) "
                    "at import or during a call, instead of returning an answer",
    "network attempt": "the code tried to use the network (a socket connect, bind or send); "
                       "under bubblewrap there is no network, so nothing left the worker",
    "process spawn": "the code started or tried to start another process (fork, subprocess, "
                     "exec, os.system)",
    "tampering": "the code tried to reach outside its sandbox: write or delete files outside "
                 "its own folder, read another process's /proc entry, signal the grader, or "
                 "disable the grader's event recording",
    "timeout": "a call, a test or the import took longer than its time limit and was stopped",
    "memory limit": "the code ran out of its memory limit (MemoryError)",
    "cpu limit": "the code used up its CPU-time limit and was killed",
    "file size limit": "the code wrote a file (or output) up to the file-size limit",
    "output truncated": "the code printed more than the grader keeps; the rest was dropped",
    "message too large": "an answer was larger than the message-size limit and was refused",
    "unsendable answer": "a function returned a value that is not plain data",
    "forbidden call": "the code uses something the assignment forbids",
    "garbage answer": "the code wrote bytes into the grader's channel that are not an answer",
    "crash": "the process running the code died of a signal (a segfault, an abort, a kill)",
    "grader failure": "the grader itself could not finish this grade (not the student's doing)",
    "no submission": "no file to grade was found in the submission: nothing was run",
}


def describe_flags(flags) -> list[str]:
    """One sentence per flag, for the output text a person reads."""
    return [f"Flag '{f}': {FLAGS.get(f, 'see the course staff')}." for f in flags]




@dataclass
class Submission:
    """One student's submission of one assignment, as found where an instructor put it."""

    student_id: str
    path: Path  # the student's folder, or the very file handed in
    file: Path | None = None  # the module to grade (<id>.py, else <id>.ipynb); None: none found
    submitted_at: dt.datetime | None = None
    source: str = "folder"  # folder | file | gradescope
    name: str | None = None
    email: str | None = None
    sis_id: str | None = None  # the institution's id (Gradescope's :sid:), for Canvas
    extra: dict = field(default_factory=dict)


def files_beside(file: Path) -> list[Path]:
    """The other ``.py`` files beside a submitted module (plain files, not links), sorted: the
    helper modules it may import."""
    return sorted(p for p in Path(file).parent.glob("*.py")
                  if p.name != Path(file).name and p.is_file() and not p.is_symlink())


def submission_names(assignment_id: str, quiz: bool = False) -> tuple[str, ...]:
    """The file names a submission may use, in order of preference: a module (or a notebook of
    it), or a quiz's answers (a TOML file, or a notebook of answer lines)."""
    if quiz:
        return (f"{assignment_id}.toml", "answers.toml", f"{assignment_id}.ipynb")
    return (f"{assignment_id}.py", f"{assignment_id}.ipynb")


def module_file(path: Path, names: tuple[str, ...]) -> Path | None:
    """The file to grade in what a student handed in: ``path`` itself when it is a file, else
    the first of ``names`` (``<id>.py``, then ``<id>.ipynb``; a quiz's ``<id>.toml``...) in the
    folder ``path``, else the one file whose name is one of those but for case
    (``Stable_Softmax.py``); None when there is none."""
    path = Path(path)
    if path.is_file():
        return path
    for name in names:
        if (path / name).is_file():
            return path / name
    if not path.is_dir():
        return None
    for name in names:
        alike = [p for p in path.iterdir() if p.is_file() and p.name.lower() == name.lower()]
        if len(alike) == 1:
            return alike[0]
    return None


@dataclass
class TestVerdict:
    """One grader test's verdict, as the student is told it (a hidden test's output says only
    whether it passed)."""

    __test__ = False  # a name pytest would otherwise try to collect

    name: str
    points: float
    passed: bool
    hidden: bool = False
    output: str = ""
    functions: list[str] = field(default_factory=list)  # the student functions it called
    earned: float | None = None  # partial credit (a quiz's several-choice answer), else None
    manual: bool = False  # kept for grading by hand (a quiz's free text): never scored here
    answer: str | None = None  # a quiz answer as the student wrote it
    visibility: str = "visible"  # Gradescope's: "after_due_date" hides it until the due date

    @property
    def status(self) -> str:
        """passed, failed, or manual (left for grading by hand)."""
        return "manual" if self.manual else ("passed" if self.passed else "failed")

    @property
    def score(self) -> float:
        if self.earned is not None:
            return self.earned
        return self.points if self.passed else 0.0


@dataclass
class Late:
    """What the late policy made of a grade (the gradebook computes it; results.json never holds
    a penalty the tests did not give)."""

    submitted_at: str | None
    days_late: int
    penalty: float  # a fraction of the raw score
    raw_score: float
    final_score: float
    due: str | None = None  # ISO 8601 with the course's UTC offset, as assignment.toml gives it

    @property
    def is_late(self) -> bool:
        return self.days_late > 0


@dataclass
class Adjustment:
    """A grade changed by hand (``ulp override``), with the reason: ``set`` replaces the final
    score, ``add`` adds to it (a negative number takes off). Kept in the gradebook's history."""

    kind: str  # "set" | "add"
    points: float
    reason: str
    made_at: str
    made_by: str = ""

    def apply(self, score: float) -> float:
        return self.points if self.kind == "set" else max(0.0, score + self.points)


@dataclass
class Grade:
    """Everything one grading of one submission established."""

    assignment: str
    student_id: str
    score: float
    max_score: float
    tests: list[TestVerdict] = field(default_factory=list)
    output: str = ""  # the summary a student reads first
    execution_time: float = 0.0
    flags: list[str] = field(default_factory=list)  # keys of FLAGS
    seed: int | None = None
    tests_hash: str | None = None
    submission_sha256: str | None = None
    device: str = "cpu"
    isolation: dict = field(default_factory=dict)  # level, layers, warnings
    versions: dict = field(default_factory=dict)
    not_graded: list[str] = field(default_factory=list)  # GPU-only tests left out on a CPU
    observations: dict = field(default_factory=dict)  # test name -> error-vs-bound series
    leaderboard: list[dict] = field(default_factory=list)  # {"name", "value", "order"}
    student_output: str = ""
    grader_error: str | None = None  # why the grader could not finish (staff only)
    late: Late | None = None  # set by the gradebook
    attempt: int | None = None  # set by the gradebook
    adjustment: Adjustment | None = None  # set by the gradebook, from `ulp override`

    @property
    def final_score(self) -> float:
        """The score that counts: after the late penalty where the gradebook applied one, then
        after a change made by hand."""
        late = self.late.final_score if self.late else self.score
        return self.adjustment.apply(late) if self.adjustment else late

    @property
    def lateness(self) -> Late | None:
        """The late record where the submission was late (days late > 0), else None."""
        return self.late if self.late and self.late.is_late else None

    @property
    def failed(self) -> list[str]:
        """The tests that did not pass (answers left for grading by hand are not failures)."""
        return [t.name for t in self.tests if not t.passed and not t.manual]

    @property
    def manual_points(self) -> float:
        """Points that only grading by hand can give (a quiz's free-text answers)."""
        return sum(t.points for t in self.tests if t.manual)

    @property
    def is_grader_failure(self) -> bool:
        return "grader failure" in self.flags

    @classmethod
    def failure(cls, assignment: str, student_id: str, problem: str, elapsed: float,
                timed_out: bool = False) -> Grade:
        """A zero for a submission the grader could not finish, with the reason for staff (and the
        flag "timeout" when it ran past the submission timeout: that is the student's doing)."""
        return cls(assignment=assignment, student_id=student_id, score=0.0, max_score=0.0,
                   output=f"{assignment}: the grader could not finish grading this submission. "
                   "Course staff have the details; resubmitting the same code will not change this.",
                   execution_time=round(elapsed, 3),
                   flags=["grader failure"] + (["timeout"] if timed_out else []),
                   grader_error=problem)


class Outcome(enum.Enum):
    """How running one grading ended, whichever backend ran it."""

    OK = "ok"  # the grader finished and wrote its grade
    FAILED = "failed"  # the grader died or wrote nothing; ``Run.problem`` says why
    TIMED_OUT = "timed out"  # it ran past the assignment's submission timeout


@dataclass(frozen=True)
class Run:
    """What a backend reports for one grading: the grade when the grader finished."""

    outcome: Outcome
    grade: Grade | None = None
    problem: str = ""
