"""Quizzes: short answers (numbers, bit strings, choices, text), drawn per student.

A quiz is an assignment with ``kind = "quiz"``. Its questions are files
``assignments/<id>/questions/<qid>.py``, each trusted course code::

    \"\"\"FP32 by hand\"\"\"                    # the first docstring line is the title
    TEXT = "Encode v = {{ v }} in FP32."        # Jinja2; sees the parameters
    DEFAULTS = {"v": -13.625}                   # every student's, without a course secret
    def draw(rng): return {"v": ...}            # optional: one student's, from a seeded rng
    def answer(v): return {"hex": Hex(0xC15A0000, width=32, points=2)}

``answer`` returns one :class:`Answer` (the key is the question id) or a dict of parts (keys
``<qid>_<part>``). A student answers in a TOML file (``<id>.toml`` or ``answers.toml``), or in
a notebook whose code cells hold the same ``key = value`` lines: either way the answers are
read here as data, never run. A line that does not parse costs only its own question.

Choice options are shuffled per student (under the course secret), so sharing "q9 = B" does not
share an answer; without a secret they keep the author's order.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import types
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import jinja2

from autograder.course import secrets
from autograder.course.assignment import Assignment, load_module
from autograder.course.notebook import cell, written
from autograder.errors import CourseError

MAX_ANSWERS_BYTES = 64 * 1024  # a quiz's answers are a few hundred bytes
MAX_NOTEBOOK_BYTES = 8 * 1024**2  # a notebook carries its outputs too
MAX_TEXT_CHARS = 4000  # one free-text answer
QUESTION_ID = re.compile(r"[a-z][a-z0-9]*")
PART = re.compile(r"[a-z0-9][a-z0-9_]*")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Malformed(ValueError):
    """An answer that cannot be read as its type (says what is expected): it scores zero, and
    ``ulp check`` reports it, without saying whether a readable answer would be right."""


def as_written(raw, limit: int = 120) -> str:
    """An answer as the student wrote it, for feedback (strings without quotes), cut short."""
    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, list):
        text = "[" + ", ".join(as_written(r, limit) for r in raw[:20]) + "]"
    else:
        text = json.dumps(raw, default=str) if isinstance(raw, (dict, bool)) else repr(raw)
    return text if len(text) <= limit else text[:limit] + "…"


def _squeeze(text: str) -> str:
    return re.sub(r"[\s_]", "", text)


# --------------------------------------------------------------------------- answer types

@dataclass(frozen=True)
class Answer:
    """One answer blank: what it is worth and how a written answer is read and judged."""

    points: float = field(default=1, kw_only=True)

    kind = "answer"

    def hint(self) -> str:
        """How to write it (shown to students; never the answer)."""
        raise NotImplementedError

    def parse(self, raw):
        """The answer as a value of this type, or :class:`Malformed` saying what is expected."""
        raise NotImplementedError

    def earned(self, value) -> float:
        """The fraction of the points a parsed answer earns (0 to 1)."""
        raise NotImplementedError

    def show(self) -> str:
        """The correct answer in a spelling :meth:`parse` reads (for the answer key)."""
        raise NotImplementedError

    def problems(self) -> list[str]:
        """Why this answer is not well defined (none: it is); ``ulp validate`` asks."""
        return [] if self.points > 0 else [f"points = {self.points!r} must be positive"]


NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?")
MAX_DIGITS = 400  # a longer decimal is no answer to a quiz, and costs time to convert
POWER = re.compile(r"(?:(?P<m>[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)(\*|×|x))?"
                   r"(?P<b>\d+)(\^|\*\*)(?P<e>[+-]?\d+)")


def read_number(raw) -> float:
    """A number as TOML gives it, or a string: ``1.1e4``, ``-13.625``, ``2^-23``, ``2**-23``,
    ``1.5 * 2^-3``, ``nan``, ``inf``, ``-inf``; spaces, ``_`` and thousands commas ignored."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise Malformed(f"expected a number, got {type(raw).__name__} {as_written(raw)!r}")
    if not isinstance(raw, str):
        return float(raw)
    text = _squeeze(raw).replace(",", "").lower()
    if text in ("nan", "+nan", "-nan"):
        return math.nan
    if text in ("inf", "+inf", "infinity", "-inf", "-infinity"):
        return -math.inf if text.startswith("-") else math.inf
    if NUMBER.fullmatch(text) and len(text) <= MAX_DIGITS:
        return float(text)
    power = POWER.fullmatch(text)
    if power and abs(int(power["e"])) <= 4096 and int(power["b"]) <= 1024 \
            and len(power["m"] or "") <= MAX_DIGITS:
        value = Fraction(int(power["b"])) ** int(power["e"]) * Fraction(power["m"] or "1")
        try:
            return float(value)
        except OverflowError:
            raise Malformed(f"{as_written(raw)!r} is beyond the range of a double (about "
                            "1.8e308)") from None
    raise Malformed(f"{as_written(raw)!r} is not a number: write e.g. 1.1e4, -0.5, 2^-23 or "
                    "1.5 * 2^-3")


@dataclass(frozen=True)
class Number(Answer):
    """A real number, right within ``abs`` or ``rel`` of the value, or to ``sig`` significant
    figures (within half a unit of the last one); NaN and infinities only as themselves."""

    value: float = 0.0
    rel: float | None = None
    abs: float | None = None
    sig: int | None = None

    kind = "number"

    def hint(self) -> str:
        ways = []
        if self.sig is not None:
            ways.append(f"to at least {self.sig} significant figures")
        if self.rel is not None:
            ways.append(f"within {self.rel:.3g} of the exact value, relatively")
        if self.abs is not None:
            ways.append(f"within ±{self.abs:g}")
        return "a number (e.g. 1.5e-3, 2^-5), " + " or ".join(ways)

    def parse(self, raw):
        return read_number(raw)

    def earned(self, value) -> float:
        v = float(self.value)
        if math.isnan(v) or math.isinf(v) or math.isnan(value) or math.isinf(value):
            return float(value == v or (math.isnan(v) and math.isnan(value)))
        error = abs(value - v)
        ok = (self.abs is not None and error <= self.abs) or \
             (self.rel is not None and error <= self.rel * abs(v))
        if self.sig is not None and not ok:
            if v == 0:
                ok = value == 0
            else:  # half a unit in the sig-th figure, and a hair for the decimal spelling
                unit = 10.0 ** (math.floor(math.log10(abs(v))) - self.sig + 1)
                ok = error <= 0.5 * unit * (1 + 1e-9)
        return float(ok)

    def show(self) -> str:
        v = float(self.value)
        if not math.isfinite(v):
            return str(v)
        exact = repr(v)
        digits = len(exact.split("e")[0].replace("-", "").replace(".", "").strip("0"))
        if self.sig is None or digits <= self.sig + 2:  # short enough to show as it is
            return exact
        return f"{v:#.{self.sig}g}".replace(".e", "e").rstrip(".")  # trailing zeros kept

    def problems(self) -> list[str]:
        found = super().problems()
        if self.rel is None and self.abs is None and self.sig is None:
            found.append("a Number needs rel=, abs= or sig= (how close counts as right)")
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float, Fraction)):
            found.append(f"value {self.value!r} is not a number")
        if self.sig is not None and not (isinstance(self.sig, int) and self.sig >= 1):
            found.append(f"sig = {self.sig!r} must be a whole number >= 1")
        return found


@dataclass(frozen=True)
class Integer(Answer):
    """A whole number, exactly (``1.1e4`` and ``"11,000"`` read as 11000)."""

    value: int = 0

    kind = "integer"

    def hint(self) -> str:
        return "a whole number, exactly (e.g. 0, 42, 1.1e4, \"11_000\")"

    def parse(self, raw):
        if isinstance(raw, bool):
            raise Malformed(f"expected a whole number, got {as_written(raw)}")
        if isinstance(raw, int):
            return raw
        text = _squeeze(raw).replace(",", "") if isinstance(raw, str) else None
        if text is not None and NUMBER.fullmatch(text) and len(text) <= MAX_DIGITS:
            value = Fraction(text)  # exact: "1e23" names 10**23, which no float holds
        else:
            try:
                number = read_number(raw)
            except Malformed:
                number = math.nan
            value = Fraction(number) if math.isfinite(number) else None
        if value is None or value.denominator != 1:
            raise Malformed(f"{as_written(raw)!r} is not a whole number: write e.g. 11000 or 1.1e4")
        return int(value)

    def earned(self, value) -> float:
        return float(value == self.value)

    def show(self) -> str:
        return str(self.value)

    def problems(self) -> list[str]:
        ok = isinstance(self.value, int) and not isinstance(self.value, bool)
        return super().problems() + ([] if ok else [f"value {self.value!r} is not an int"])


@dataclass(frozen=True)
class Bits(Answer):
    """A bit string of exactly ``width`` bits (spaces, ``_`` and a ``0b`` prefix ignored)."""

    value: int = 0
    width: int = 8

    kind = "bits"

    def hint(self) -> str:
        return f"a string of exactly {self.width} bits, e.g. \"{'1' + '0' * (self.width - 1)}\""

    def parse(self, raw):
        if not isinstance(raw, str):
            raise Malformed(f"write the bits as a string in quotes, e.g. \"0101\" "
                            f"(got {as_written(raw)})")
        text = _squeeze(raw)
        text = text[2:] if text[:2].lower() == "0b" else text
        if not re.fullmatch(r"[01]+", text) or len(text) != self.width:
            raise Malformed(f"{as_written(raw)!r} is not a string of exactly {self.width} bits "
                            f"(0 and 1 only; it has {len(text)} characters)")
        return int(text, 2)

    def earned(self, value) -> float:
        return float(value == self.value)

    def show(self) -> str:
        return format(self.value, f"0{self.width}b")

    def problems(self) -> list[str]:
        return super().problems() + ([] if 0 <= self.value < 2 ** self.width
                                     else [f"{self.value} does not fit in {self.width} bits"])


@dataclass(frozen=True)
class Hex(Answer):
    """A bit pattern of ``width`` bits in hexadecimal: a string (``0x`` prefix, spaces, ``_``,
    case ignored; leading zeros optional) or a TOML hex integer (``0xC15A0000``)."""

    value: int = 0
    width: int = 32

    kind = "hex"

    def hint(self) -> str:
        return f"{self.width} bits in hexadecimal, e.g. \"0x{'0' * (self.width // 4)}\""

    def parse(self, raw):
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < 2 ** self.width:
            return raw
        if not isinstance(raw, str):
            raise Malformed("write the pattern as hexadecimal, e.g. \"0x1F\" "
                            f"(got {as_written(raw)})")
        text = _squeeze(raw)
        text = text[2:] if text[:2].lower() == "0x" else text
        if not re.fullmatch(r"[0-9a-fA-F]+", text) or len(text) > (self.width + 3) // 4:
            raise Malformed(f"{as_written(raw)!r} is not a {self.width}-bit pattern in "
                            f"hexadecimal (at most {(self.width + 3) // 4} hex digits)")
        return int(text, 16)

    def earned(self, value) -> float:
        return float(value == self.value)

    def show(self) -> str:
        return "0x" + format(self.value, f"0{(self.width + 3) // 4}X")

    def problems(self) -> list[str]:
        return super().problems() + ([] if 0 <= self.value < 2 ** self.width
                                     else [f"{self.value:#x} does not fit in {self.width} bits"])


def _letters(raw, count: int, many: bool) -> list[int]:
    """Option indices from ``"B"``, ``"b"``, ``"(B)"``, ``["A", "C"]`` or ``"A, C"``."""
    items = raw if isinstance(raw, list) else [raw]
    picked: list[int] = []
    for item in items:
        if not isinstance(item, str):
            raise Malformed(f"write option letters as strings, e.g. \"B\" (got {as_written(item)})")
        for token in re.split(r"[,;\s]+", item.strip()) if many else [item.strip()]:
            token = token.strip("()[].").upper()
            if not token and many:
                continue
            if len(token) != 1 or token not in LETTERS[:count]:
                what = "option letters" if many else "one option letter"
                raise Malformed(f"{as_written(raw)!r} is not {what} among "
                                f"{', '.join(LETTERS[:count])}")
            if LETTERS.index(token) not in picked:
                picked.append(LETTERS.index(token))
    if not many and len(picked) != 1:
        raise Malformed(f"give one option letter, got {as_written(raw)!r}")
    return picked


@dataclass(frozen=True)
class Choice(Answer):
    """One right option among ``options`` (``correct`` is its index in the author's order)."""

    options: tuple[str, ...] = ()
    correct: int = 0

    kind = "choice"
    many = False

    def hint(self) -> str:
        return "one option letter, e.g. \"B\""

    def parse(self, raw):
        return _letters(raw, len(self.options), self.many)

    def right(self) -> set[int]:
        return {self.correct}

    def earned(self, value) -> float:
        return float(set(value) == self.right())

    def letters(self, order: list[int] | None = None) -> list[str]:
        """The right options' letters, in the order ``order`` shows the options."""
        order = order or list(range(len(self.options)))
        return [LETTERS[order.index(i)] for i in sorted(self.right(), key=order.index)]

    def show(self, order: list[int] | None = None) -> str:
        return ", ".join(self.letters(order))

    def problems(self) -> list[str]:
        found = super().problems()
        if not 2 <= len(self.options) <= len(LETTERS):
            found.append(f"{len(self.options)} options: give 2 to {len(LETTERS)}")
        if len(set(self.options)) != len(self.options):
            found.append("two options have the same text")
        if not self.right() or not self.right() <= set(range(len(self.options))):
            found.append(f"the right option(s) {sorted(self.right())} are not among the "
                         f"{len(self.options)} options")
        return found


@dataclass(frozen=True)
class Choices(Choice):
    """Every right option among ``options`` (``correct``: their indices). Partial credit: each
    right option picked earns its share of the points, each wrong one picked takes a share away,
    never below zero."""

    correct: tuple[int, ...] = ()

    kind = "choices"
    many = True

    def hint(self) -> str:
        return "every right option letter, e.g. [\"A\", \"C\"] or \"A, C\""

    def right(self) -> set[int]:
        return set(self.correct)

    def earned(self, value) -> float:
        right = self.right()
        hits = len(set(value) & right) - len(set(value) - right)
        return max(0.0, hits / len(right))


@dataclass(frozen=True)
class Text(Answer):
    """Free text, kept for grading by hand: never scored here (the points are added by staff)."""

    guide: str = ""  # what staff look for (never shown to students)

    kind = "text"

    def hint(self) -> str:
        return f"free text in quotes (at most {MAX_TEXT_CHARS} characters), graded by hand"

    def parse(self, raw):
        if not isinstance(raw, str):
            raise Malformed(f"write the answer as text in quotes (got {as_written(raw)})")
        if len(raw) > MAX_TEXT_CHARS:
            raise Malformed(f"the answer has {len(raw)} characters; at most {MAX_TEXT_CHARS}")
        return raw

    def earned(self, value) -> float:
        return 0.0

    def show(self) -> str:
        return self.guide or "(graded by hand)"


# --------------------------------------------------------------------------- questions

@dataclass(frozen=True)
class Part:
    """One answer blank of one student's question: the key in the answers file, the answer, and
    for choices the order this student sees the options in (indices into the author's)."""

    key: str
    question: str
    answer: Answer
    order: list[int] = field(default_factory=list)

    def parse(self, raw):
        try:
            value = self.answer.parse(raw)
        except (ArithmeticError, ValueError, RecursionError) as e:  # never one student's crash
            if isinstance(e, Malformed):
                raise
            raise Malformed(f"{as_written(raw)!r} cannot be read ({type(e).__name__})") from None
        if isinstance(self.answer, Choice):  # the student's letters, in the author's indices
            value = [self.order[i] for i in value]
        return value

    def earned(self, raw) -> float:
        """The fraction earned by a raw answer (raises :class:`Malformed`)."""
        return self.answer.earned(self.parse(raw))

    def show(self) -> str:
        if isinstance(self.answer, Choice):
            return self.answer.show(self.order)
        return self.answer.show()

    def spelled(self):
        """The right answer as an answers file would hold it (letters as a list for choices)."""
        return self.answer.letters(self.order) if isinstance(self.answer, Choices) else self.show()

    def options(self) -> list[tuple[str, str]]:
        """(letter, text) of a choice's options in this student's order."""
        if not isinstance(self.answer, Choice):
            return []
        return [(LETTERS[n], self.answer.options[i]) for n, i in enumerate(self.order)]


@dataclass(frozen=True)
class Question:
    """One question as one student gets it: its text rendered with their parameters."""

    id: str
    title: str
    text: str
    parts: list[Part]

    @property
    def points(self) -> float:
        return sum(p.answer.points for p in self.parts)


def _natural(name: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def question_files(a: Assignment) -> list[Path]:
    """The quiz's question files, in natural order (q2 before q10)."""
    folder = a.folder / "questions"
    files = sorted(folder.glob("*.py"), key=lambda p: _natural(p.stem)) if folder.is_dir() else []
    if not files:
        raise CourseError(f"{folder} holds no question file: a quiz needs questions/<qid>.py "
                          "(docs/authoring.md, 'Quizzes')")
    for p in files:
        if not QUESTION_ID.fullmatch(p.stem):
            raise CourseError(f"{p}: a question file is named by its id, lower-case letters "
                              "and digits starting with a letter (q1.py), no '_'")
    return files


def _module(a: Assignment, path: Path) -> types.ModuleType:
    try:
        module = load_module(path, f"ulp_quiz_{a.id}_{path.stem}")
    except Exception as e:  # noqa: BLE001 - the author's code: one line naming the file
        raise CourseError(f"{path} does not load: {type(e).__name__}: {e}") from e
    for name in ("TEXT", "DEFAULTS", "answer"):
        if not hasattr(module, name):
            raise CourseError(f"{path} has no {name}: a question defines TEXT (Jinja2), "
                              "DEFAULTS (its parameters) and answer(**parameters)")
    return module


class Quiz:
    """A quiz's questions (the modules, loaded once), drawn and rendered per student."""

    def __init__(self, a: Assignment):
        self.assignment = a
        self.modules = {p.stem: _module(a, p) for p in question_files(a)}
        self.env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False)

    @property
    def per_student(self) -> bool:
        """Whether any question draws parameters or has options to shuffle per student."""
        return any(hasattr(m, "draw") for m in self.modules.values()) or any(
            p.options() for q in self.questions() for p in q.parts)

    def parameters(self, qid: str, secret: bytes | None, student_id: str | None) -> dict:
        return secrets.drawn(self.modules[qid], secret, student_id, "quiz", self.assignment.id,
                             qid)

    def question(self, qid: str, secret: bytes | None, student_id: str | None) -> Question:
        """Question ``qid`` as ``student_id`` gets it (the defaults without a secret)."""
        module, path = self.modules[qid], self.assignment.folder / "questions" / f"{qid}.py"
        params = self.parameters(qid, secret, student_id)
        try:
            text = self.env.from_string(module.TEXT).render(**params)
            got = module.answer(**params)
        except Exception as e:  # noqa: BLE001 - the author's code: one line naming the file
            raise CourseError(f"{path}: {type(e).__name__}: {e} (parameters {params})") from e
        answers = {"": got} if isinstance(got, Answer) else got
        if not isinstance(answers, dict) or not answers or not all(
                isinstance(v, Answer) for v in answers.values()):
            raise CourseError(f"{path}: answer() must return an Answer or a dict of them "
                              f"(got {type(got).__name__})")
        parts = []
        for name, ans in answers.items():
            if name and not PART.fullmatch(name):
                raise CourseError(f"{path}: part name {name!r}: use lower-case letters, digits, _")
            order = list(range(len(ans.options))) if isinstance(ans, Choice) else []
            if order and secret is not None and student_id is not None:
                secrets.rng(secret, "options", self.assignment.id, qid, name,
                            student_id).shuffle(order)
            parts.append(Part(f"{qid}_{name}" if name else qid, qid, ans, order))
        title = (module.__doc__ or qid).strip().splitlines()[0]
        return Question(qid, title, text.strip(), parts)

    def questions(self, secret: bytes | None = None,
                  student_id: str | None = None) -> list[Question]:
        return [self.question(q, secret, student_id) for q in self.modules]


FORM = "form.json"  # in a student bundle: what each blank takes, for `ulp check`


def form(questions: list[Question]) -> list[dict]:
    """What each answer blank takes, without any answer: ``ulp check`` reads it in a bundle."""
    return [{"key": p.key, "kind": p.answer.kind, "hint": p.answer.hint(),
             "points": p.answer.points, "width": getattr(p.answer, "width", None),
             "letters": len(p.options())}
            for q in questions for p in q.parts]


def _reader(row: dict) -> Answer:
    """An answer of the row's kind that reads (parses) like the real one; its value is a dummy."""
    options = tuple(str(i) for i in range(max(2, row.get("letters") or 2)))
    make = {"number": lambda: Number(0.0, abs=0.0), "integer": lambda: Integer(0),
            "bits": lambda: Bits(0, width=row["width"]), "hex": lambda: Hex(0, width=row["width"]),
            "choice": lambda: Choice(options, 0), "choices": lambda: Choices(options, (0,)),
            "text": lambda: Text()}
    return make[row["kind"]]()


def form_of(a: Assignment) -> list[dict]:
    """The quiz's form: from its questions on the course's side, from ``form.json`` in a
    student bundle (which has no questions, so no answers)."""
    if (a.folder / "questions").is_dir():
        return form(Quiz(a).questions())
    path = a.folder / FORM
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise CourseError(f"{path} cannot be read ({e}): unpack the quiz's bundle again") from e


def check_form(rows: list[dict], answers: Answers) -> list[tuple[str, bool, str]]:
    """(key, well-formed, what to fix) for every blank: never whether an answer is right."""
    found = []
    for row in rows:
        key = row["key"]
        if key in answers.broken:
            found.append((key, False, f"line {answers.broken[key]} cannot be read (see above)"))
        elif key not in answers.values or answers.values[key] == "":
            found.append((key, False, f"not answered: {row['hint']}"))
        else:
            try:
                _reader(row).parse(answers.values[key])
                found.append((key, True, "well-formed"))
            except Malformed as e:
                found.append((key, False, str(e)))
    return found


def markdown(questions: list[Question]) -> str:
    """The questions as Markdown: text, then each blank's key, form, points and options."""
    out = []
    for q in questions:
        out.append(f"### {q.id}. {q.title} ({q.points:g} point{'s' * (q.points != 1)})\n")
        out.append(q.text + "\n")
        for p in q.parts:
            out.append(f"- `{p.key}`: {p.answer.hint()} ({p.answer.points:g} "
                       f"point{'s' * (p.answer.points != 1)})")
            out += [f"    - **{letter}.** {text}" for letter, text in p.options()]
        out.append("")
    return "\n".join(out)


def _blanks(q: Question) -> list[str]:
    """A question's blank answer lines, each with its form as a comment."""
    return [f"{p.key} = \"\"  # {p.answer.hint()}" for p in q.parts]


def answers_template(questions: list[Question], title: str) -> str:
    """A blank answers file: every key with an empty answer and its form as a comment. Each
    line is TOML and Python alike, so it also serves as a notebook cell."""
    lines = [f"# {title}: your answers. Replace each \"\" with your answer; keep the keys.",
             "# Numbers as numbers (1.5e-3) or strings (\"2^-23\"); bits and hex in quotes.", ""]
    for q in questions:
        lines += [f"# {q.id}. {q.title}", *_blanks(q), ""]
    return "\n".join(lines)


def answer_key(questions: list[Question]) -> str:
    """Right answers as an answers file (every right answer spelled the way it is read)."""
    lines = []
    for q in questions:
        for p in q.parts:
            if isinstance(p.answer, Text):
                continue
            lines.append(f"{p.key} = {json.dumps(p.spelled())}")
    return "\n".join(lines) + "\n"


def notebook(a: Assignment, questions: list[Question], statement: str) -> bytes:
    """The quiz as a Jupyter notebook: the statement's text around its questions, and per
    question its text (Markdown) and a code cell with its blank answer lines (TOML and Python
    alike: running them does nothing harmful, and the grader reads them as data)."""
    before, found, after = statement.partition(markdown(questions).strip())
    if not found:  # a statement that does not show the questions as rendered: all of it first
        before, after = statement, ""
    n = iter(range(10_000))
    cells = [cell("markdown", before.strip(), n=next(n))]
    for q in questions:
        cells.append(cell("markdown", markdown([q]).strip(), n=next(n)))
        cells.append(cell("code", "\n".join(_blanks(q)), q.id, next(n)))
    if after.strip():
        cells.append(cell("markdown", after.strip(), n=next(n)))
    return written(cells, a.id)


# --------------------------------------------------------------------------- answers files

@dataclass
class Answers:
    """What a student's answers file holds: key -> raw TOML value, the line each came from, and
    one line per problem found reading it (naming the file and line)."""

    values: dict[str, object] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    broken: dict[str, int] = field(default_factory=dict)  # key -> line that could not be read
    unreadable: bool = False  # nothing could be read at all (too big, not text, not a notebook)


def _flatten(data: dict, prefix: str = "") -> dict:
    """``[q1] sign = 1`` and ``q1.sign = 1`` as ``q1_sign``."""
    flat = {}
    for key, value in data.items():
        name = f"{prefix}_{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = value
    return flat


def _parse_lines(text: str, name: str, first_line: dict[int, str]) -> Answers:
    """Answers from ``key = value`` lines, each alone when the whole does not parse, so that a
    broken line costs only its question."""
    found = Answers()
    try:
        whole = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        whole = None
    rows = text.splitlines()
    if whole is not None:
        found.values = _flatten(whole)
        table = ""  # the [table] the rows below belong to: [q1] then sign = ... is q1_sign
        for number, row in enumerate(rows, 1):
            header = re.match(r"\s*\[\s*([A-Za-z0-9_.]+)\s*\]", row)
            if header:
                table = header.group(1).replace(".", "_") + "_"
                continue
            key = re.match(r"\s*([A-Za-z0-9_.]+)\s*=", row)
            name = key and table + key.group(1).replace(".", "_")
            if name in found.values:
                found.lines.setdefault(name, number)
        return found
    for number, row in enumerate(rows, 1):
        stripped = row.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = first_line.get(number, f"{name}, line {number}")
        try:
            data = _flatten(tomllib.loads(row))
        except (tomllib.TOMLDecodeError, RecursionError, ValueError) as e:
            reason = re.sub(r"\s*\(at line \d+, column (\d+)\)", r" (column \1)", str(e))
            found.problems.append(f"{where}: `{stripped[:60]}` is not a `key = value` line "
                                  f"that can be read ({reason}); that answer was not read")
            key = re.match(r"([A-Za-z0-9_]+)\s*=", stripped)
            if key:
                found.broken[key.group(1)] = number
            continue
        for key, value in data.items():
            found.broken.pop(key, None)
            if key in found.values:
                found.problems.append(f"{where}: {key} is given again; this later one counts")
            found.values[key] = value
            found.lines[key] = number
    return found


def _notebook_text(data: bytes, name: str) -> tuple[str, dict[int, str]]:
    """The code cells of a notebook as one text, and for each of its lines where it came from."""
    try:
        nb = json.loads(data)
        cells = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
        raise Malformed(f"{name} is not a notebook Jupyter can read ({type(e).__name__}); "
                        "save it again, or submit the answers as a .toml file") from e
    rows, where = [], {}
    for number, cell in enumerate(cells, 1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        for offset, row in enumerate(source.splitlines(), 1):
            rows.append(row)
            where[len(rows)] = f"{name}, code cell {number}, line {offset}"
    return "\n".join(rows), where


def read_answers(path: Path) -> Answers:
    """A student's answers (``.toml``, or a notebook's code cells), read as data, never run."""
    path = Path(path)
    notebook = path.suffix == ".ipynb"
    limit = MAX_NOTEBOOK_BYTES if notebook else MAX_ANSWERS_BYTES
    size = path.stat().st_size
    if size > limit:
        return Answers(problems=[f"{path.name} is {size:,} bytes; an answers file may have at most "
                                 f"{limit:,}: submit only the `key = value` answer lines"],
                       unreadable=True)
    data = path.read_bytes()
    try:
        if notebook:
            text, where = _notebook_text(data, path.name)
        else:
            text, where = data.decode("utf-8"), {}
    except UnicodeDecodeError:
        return Answers(problems=[f"{path.name} is not UTF-8 text: save it as plain text (TOML)"],
                       unreadable=True)
    except Malformed as e:
        return Answers(problems=[str(e)], unreadable=True)
    if notebook and len(text.encode()) > MAX_ANSWERS_BYTES:
        return Answers(problems=[f"{path.name}: its code cells hold more than "
                                 f"{MAX_ANSWERS_BYTES:,} bytes; keep only the answer lines"],
                       unreadable=True)
    return _parse_lines(text, path.name, where)


# --------------------------------------------------------------------------- validation

def problems(a: Assignment, students: int = 1000) -> list[str]:
    """Everything ``ulp validate`` checks of a quiz beyond grading its reference and stub: the
    questions for ``students`` drawn students (:func:`check_questions`), and a stub whose keys
    are the quiz's."""
    found = check_questions(a, students)
    if a.stub.is_file():
        keys = {row["key"] for row in form_of(a)}
        stub = read_answers(a.stub)
        given = set(stub.values)
        if given != keys or stub.problems:
            found.append(f"{a.stub} does not hold exactly the quiz's keys (missing "
                         f"{sorted(keys - given)}, extra {sorted(given - keys)}): "
                         "write it again from quiz.answers_template")
    else:
        found.append(f"{a.stub} is missing: the blank answers file students start from")
    return found


def check_questions(a: Assignment, students: int = 1000) -> list[str]:
    """Why the quiz is not ready (none: it is): for the defaults and ``students`` drawn students,
    every question renders, every answer is well defined, and its own spelling reads back as
    right; each problem once, with an example student."""
    quiz = Quiz(a)
    problems: dict[str, str] = {}
    secret = b"ulp validate: a fixed secret for drawing students"
    for n in range(students + 1):
        sid, key = (None, None) if n == 0 else (f"student{n:04d}", secret)
        try:
            questions = quiz.questions(key, sid)
        except CourseError as e:
            problems.setdefault(str(e).split(" (parameters")[0], f"{e} [{sid or 'defaults'}]")
            continue
        for q in questions:
            for p in q.parts:
                found = p.answer.problems()
                if not found and not isinstance(p.answer, Text):
                    try:
                        if p.earned(p.spelled()) != 1.0:
                            found.append(f"its own answer {p.show()!r} does not read back as right")
                    except Malformed as e:
                        found.append(f"its own answer does not read back: {e}")
                for f in found:
                    problems.setdefault(f"{p.key}: {f}", f"{p.key}: {f} "
                                        f"[{sid or 'defaults'}: {quiz.parameters(q.id, key, sid)}]")
    return list(problems.values())
