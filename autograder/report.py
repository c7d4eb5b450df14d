"""Reports people read: HTML for a browser, Markdown for a terminal, both from results.json.

Text that may come from student code is HTML-escaped in one, and in the other set as an
indented code block: nothing inside can end it, and no line of it starts a Markdown line of
its own (so a message cannot forge "PASS" lines).

They are rendered from the results dict alone (never from live grader state), so a report can
be rebuilt from any stored results.json, and shows exactly what the student was told.
"""

from __future__ import annotations

import functools

import jinja2


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("autograder", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                             trim_blocks=True, lstrip_blocks=True)
    return env


def _context(res: dict) -> dict:
    u = res.get("extra_data", {}).get("ulp", {})
    max_score = u.get("max_score") or 0
    score = res.get("score", 0)
    return {"u": u, "score": score, "output": res.get("output", ""), "tests": res.get("tests", []),
            "pct": round(100 * score / max_score) if max_score else 0}


def render_html(res: dict) -> str:
    return _env().get_template("report.html.j2").render(**_context(res))


def render_markdown(res: dict) -> str:
    return _env().get_template("report.md.j2").render(**_context(res))
