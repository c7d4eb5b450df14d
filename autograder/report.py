"""Reports people read: HTML for a browser, Markdown for a terminal, both from results.json.

Text that may come from student code is HTML-escaped in one, and in the other set as an
indented code block: nothing inside can end it, and no line of it starts a Markdown line of
its own (so a message cannot forge "PASS" lines).

They are rendered from the results dict alone (never from live grader state), so a report can
be rebuilt from any stored results.json, and shows exactly what the student was told: a hidden
test shows its name and verdict only, and has no plot (results.py stores no observation of it).
The HTML page is one file (plots are ``data:`` PNGs, no JavaScript), so it opens offline.
"""

from __future__ import annotations

import functools
import re

import jinja2

from autograder import plots

# Where hypothesis's shrunk input starts in a test's feedback (see plugin._feedback).
_EXAMPLE = re.compile(r"^(Falsifying example|Falsifying explicit example|Failing explicit example)"
                      r"\b.*", re.M | re.S)


@functools.lru_cache(maxsize=1)
def jinja_env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("autograder", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v: "%g" % v if isinstance(v, (int, float)) else str(v)
    env.filters["percent"] = lambda v: "%g%%" % round(100 * v, 2) if isinstance(v, (int, float)) else str(v)
    return env


def split_example(output: str) -> tuple[str, str]:
    """(message, smallest failing input) of a failed test's feedback; the input may be ""."""
    m = _EXAMPLE.search(output or "")
    if not m:
        return (output or "").strip(), ""
    return output[:m.start()].strip(), m.group(0).strip()


def late_info(u: dict) -> dict | None:
    """``extra_data.ulp.late`` (written by the gradebook: submitted_at, days_late, penalty as a
    fraction of the raw score, raw_score, final_score), or None where there is none."""
    late = u.get("late")
    return late if isinstance(late, dict) and "final_score" in late else None


def is_late(late: dict | None) -> bool:
    return bool(late) and (late.get("days_late") or 0) > 0


def final_score(res: dict) -> float:
    """The score that counts: the gradebook's final (late-adjusted) score, else the raw one."""
    late = late_info(res.get("extra_data", {}).get("ulp", {}))
    return float(late["final_score"] if late else res.get("score", 0.0))


def _context(res: dict, with_plots: bool) -> dict:
    u = res.get("extra_data", {}).get("ulp", {})
    max_score = u.get("max_score") or 0
    score = res.get("score", 0)
    late = late_info(u)
    final = final_score(res)
    tests = res.get("tests", [])
    hidden_names = {t["name"] for t in tests if "hidden" in t.get("tags", [])}
    failures = []
    for t in tests:
        if t.get("status") == "failed":
            message, example = split_example(t.get("output", ""))
            failures.append({"t": t, "hidden": t["name"] in hidden_names,
                             "message": message, "example": example})
    series = [s for s in plots.series_of(u.get("observations")) if s.test not in hidden_names]
    series.sort(key=lambda s: s.over == 0)  # failures first (a stable sort keeps test order)
    figures = [{"s": s, "caption": s.caption(), "src": _plot(s) if with_plots else ""}
               for s in series]
    warnings = list((u.get("isolation") or {}).get("warnings") or [])
    return {"u": u, "score": score, "final": final, "late": late if is_late(late) else None,
            "max_score": max_score,
            "output": res.get("output", ""), "tests": tests, "failures": failures,
            "passed": sum(t.get("status") == "passed" for t in tests),
            "failed": len(failures), "figures": figures, "warnings": warnings,
            "pct": max(0, min(100, round(100 * final / max_score))) if max_score else 0}


def _plot(s: plots.Series) -> str:
    return plots.safely(plots.error_vs_bound, s)


def render_html(res: dict) -> str:
    return jinja_env().get_template("report.html.j2").render(**_context(res, with_plots=True))


def render_markdown(res: dict) -> str:
    return jinja_env().get_template("report.md.j2").render(**_context(res, with_plots=False))
