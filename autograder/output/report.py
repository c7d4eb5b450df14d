"""Reports people read: HTML for a browser, Markdown for a terminal, both from a Grade.

Text that may come from student code is HTML-escaped in one, and in the other set as an
indented code block: nothing inside can end it, and no line of it starts a Markdown line of
its own (so a message cannot forge "PASS" lines).

They are rendered from the :class:`~autograder.model.Grade` alone (never from live grader
state), so a report can be rebuilt from any stored results.json, and shows exactly what the
student was told: a hidden test shows its name and verdict only, and has no plot (the grading
session keeps no observation of it).
The HTML page is one file (plots are ``data:`` PNGs, no JavaScript), so it opens offline.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import jinja2

from autograder.model import Grade
from autograder.output import plots, results

# Where hypothesis's shrunk input starts in a test's feedback (see plugin._feedback).
_EXAMPLE = re.compile(r"^(Falsifying example|Falsifying explicit example|Failing explicit example)"
                      r"\b.*", re.M | re.S)


@functools.lru_cache(maxsize=1)
def jinja_env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("autograder.output", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v: "%g" % v if isinstance(v, (int, float)) else str(v)
    env.filters["percent"] = lambda v: "%g%%" % round(100 * v, 2) if isinstance(v, (int, float)) else str(v)
    return env


HTML, MARKDOWN = "report.html.j2", "report.md.j2"


def warm_up() -> None:
    """Compile the report templates and results.json's validator now: a fork server calls this
    once, so that the gradings it forks do not each spend 0.3 s on it."""
    for name in (HTML, MARKDOWN):
        jinja_env().get_template(name)
    results.validator()


def course_time(iso: str | None, due: str | None) -> str:
    """A time as the course reads it: in the due date's own UTC offset (the one assignment.toml
    gives), to the minute, with that offset named; "" for no time."""
    if not iso:
        return ""
    when = dt.datetime.fromisoformat(iso)
    zone = dt.datetime.fromisoformat(due).tzinfo if due else None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    when = when.astimezone(zone or dt.timezone.utc)
    offset = when.strftime("%z")
    return when.strftime("%Y-%m-%d %H:%M") + f" (UTC{offset[:3]}:{offset[3:]})"


def split_example(output: str) -> tuple[str, str]:
    """(message, smallest failing input) of a failed test's feedback; the input may be ""."""
    m = _EXAMPLE.search(output or "")
    if not m:
        return (output or "").strip(), ""
    return output[:m.start()].strip(), m.group(0).strip()


def _context(g: Grade, with_plots: bool) -> dict:
    failures = []
    for t in g.tests:
        if t.status == "failed":
            message, example = split_example(t.output)
            failures.append({"t": t, "hidden": t.hidden, "message": message, "example": example})
    hidden = {t.name for t in g.tests if t.hidden}
    series = [s for s in plots.series_of(g.observations) if s.test not in hidden]
    series.sort(key=lambda s: s.over == 0)  # failures first (a stable sort keeps test order)
    figures = [{"s": s, "caption": s.caption(), "src": _plot(s) if with_plots else ""}
               for s in series]
    final = g.final_score
    late = g.lateness
    when = ({"due": course_time(late.due, late.due),
             "submitted": course_time(late.submitted_at, late.due)} if late else {})
    return {"when": when,"u": g, "score": g.score, "final": final,
            "late": g.lateness, "max_score": g.max_score,
            "output": g.output, "tests": g.tests, "failures": failures,
            "passed": sum(t.passed for t in g.tests), "failed": len(failures),
            "figures": figures, "warnings": list(g.isolation.get("warnings") or []),
            "pct": max(0, min(100, round(100 * final / g.max_score))) if g.max_score else 0}


def _plot(s: plots.Series) -> str:
    return plots.safely(plots.error_vs_bound, s)


def render_html(g: Grade) -> str:
    return jinja_env().get_template(HTML).render(**_context(g, with_plots=True))


def render_markdown(g: Grade) -> str:
    return jinja_env().get_template(MARKDOWN).render(**_context(g, with_plots=False))


def atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def write_student_files(g: Grade, folder: Path) -> None:
    """``folder``/results.json plus the two reports (HTML for a browser, Markdown for a
    terminal); results.json last, so a folder whose results.json exists is complete."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / "report.html", render_html(g))
    atomic_write(folder / "report.md", render_markdown(g))
    results.write(g, folder / "results.json")
