"""The per-student and class reports, rendered from real grades and looked at in a real browser.

A small kahan_sum class (a correct submission, a Kahan bug that breaks the error bound, an
unfinished one) is graded once for the module, the way ``ulp grade`` does; the reports are
checked as text, then rendered by headless Chromium (Debian's ``chromium``): the screenshot
must not be blank and the page's text must hold the key numbers. Without Chromium those
checks skip locally and fail where ULP_CI is set. Set ULP_REPORT_SCREENSHOTS=DIR to keep the
screenshots (CI uploads them).
"""

from __future__ import annotations

import base64
import html.parser
import json
import math
import os
import shutil
import statistics
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder import testing
from autograder.model import Grade, Late
from autograder.output import class_report, plots, report, results
from autograder.session.grade import _verdict
from autograder.session.plugin import HIDDEN_FEEDBACK, Verdict
from helpers import ROOT, grade_folder

SUBMISSIONS = ROOT / "assignments" / "kahan_sum" / "selftest"
CLASS = {"ada": "correct_float32_scalars", "bruno": "buggy_kahan_sign_flipped",
         "chen": "buggy_partial_not_implemented"}
LATE = {"submitted_at": "2026-11-30T10:00:00+00:00", "days_late": 2, "penalty": 0.2,
        "raw_score": 21.0, "final_score": 16.8, "due": "2026-11-28T23:59:00-08:00"}


def grade_of(*verdicts: Verdict) -> Grade:
    """A grade as the grading session builds one, from the plugin's verdicts."""
    tests = [_verdict(v) for v in verdicts]
    return Grade("a", "s", sum(t.score for t in tests), sum(t.points for t in tests), tests,
                 seed=1, tests_hash="h", isolation={"level": "none", "warnings": []},
                 observations={v.name: v.observations for v in verdicts
                               if v.observations and not v.hidden})


# ------------------------------------------------------------------------------ observe()

def test_observe_keeps_counts_caps_and_json_safe_values():
    testing.observe(1.0, 2.0)  # outside a grading session: ignored, no error
    testing.start_observing()
    for i in range(testing.MAX_WITHIN + 40):
        testing.observe(i * 1e-9, 1.0, label="sum")
    for v in (float("nan"), float("inf"), 3.0, "not a number"):
        testing.observe(v, 1.0, label="sum")
    testing.observe(1.0, 1.0, label="exact", over=True)  # the test's exact verdict wins a tie
    got = {s["label"]: s for s in testing.stop_observing()}
    assert testing.stop_observing() == []
    s = got["sum"]
    assert s["count"] == testing.MAX_WITHIN + 44 and s["over"] == 4
    assert len(s["error"]) == len(s["bound"]) == testing.MAX_WITHIN + 4
    assert s["error"][-4:] == ["nan", "inf", 3.0, "nan"]
    assert got["exact"]["over"] == 1
    json.dumps(got, allow_nan=False)  # JSON cannot hold NaN: they are strings
    assert math.isnan(testing.from_json_float("nan")) and testing.from_json_float("inf") == math.inf


def test_hidden_tests_store_no_observations():
    obs = [{"label": "e", "count": 1, "over": 1, "error": [2.0], "bound": [1.0]}]
    visible = Verdict("test_v", "n::test_v", 1, False, "", False, "bad", observations=obs)
    hidden = Verdict("test_h", "n::test_h", 1, True, "", False, "secret 12345", observations=obs)
    g = grade_of(visible, hidden)
    res = results.to_json(g)
    results.validate(res)
    assert list(res["extra_data"]["ulp"]["observations"]) == ["test_v"]
    page = report.render_html(g)
    assert page.count("data:image/svg+xml;base64,") == 1 and "12345" not in page


def test_plot_draws_nan_inf_zero_and_float64_extremes():
    """Values from a real softmax grading once overflowed matplotlib's log axes."""
    obs = {"t": [{"label": "l", "count": 7, "over": 2, "error": [0.0, 1e-9, "nan", "inf", 0.0, 0.0, 1e-300],
                  "bound": [1e-8, 1e-8, 1.0, 1.0, 0.0, 6.8e293, 4e-323]}]}
    s = plots.series_of(obs)[0]
    assert "NaN" in s.caption() and "5 of 7" in s.caption()
    uri = plots.error_vs_bound(s)
    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.partition(",")[2]).decode()
    ET.fromstring(svg)  # well-formed, so a browser draws it
    assert svg.count('r="2.6"') == 1 and "within the bound (1)" in svg
    assert "error exactly 0 (2)" in svg and "over the bound (3)" in svg  # NaN, inf, 1e-300 > 4e-323
    assert "bound 0, error 0 (1, not drawn)" in svg and "10⁻³²³" in svg


def test_a_plot_that_fails_costs_only_the_picture(monkeypatch):
    """Reports are written in the grading process: a matplotlib error must not cost a grade."""
    def broken(s):
        raise OverflowError("cannot convert float infinity to integer")
    monkeypatch.setattr(plots, "error_vs_bound", broken)
    obs = [{"label": "e", "count": 1, "over": 0, "error": [1.0], "bound": [2.0]}]
    g = grade_of(Verdict("test_v", "n::test_v", 1, False, "", True, observations=obs))
    page = report.render_html(g)
    assert "could not be drawn" in page and "within the allowed bound in 1 of 1 example" in page


def test_anonymise_removes_every_student_id():
    text = "bob's file /tmp/bob/kahan_sum.py failed; bobby and alice_2 too"
    out = class_report.anonymise(text, ["bob", "alice_2", "bobby"])
    assert "bob" not in out and "alice_2" not in out and out.count("<student>") == 4


# --------------------------------------------------------------------------- real grades

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("reports")
    subs = base / "submissions"
    for sid, name in CLASS.items():
        (subs / sid).mkdir(parents=True)
        shutil.copy(SUBMISSIONS / f"{name}.py", subs / sid / "kahan_sum.py")
    out = base / "out"
    res = [results.from_json(r) for r in grade_folder("kahan_sum", subs, out, workers=2)]
    by_id = {g.student_id: g for g in res}
    assert by_id["bruno"].score == LATE["raw_score"], "the Kahan bug no longer scores 21/30"
    # What the gradebook adds for a late submission.
    by_id["bruno"].late = Late(**LATE)
    by_id["ada"].late = Late(None, 0, 0.0, 30.0, 30.0)
    page = class_report.write(out, "kahan_sum", res)  # also rewrites bruno's and ada's reports
    return {"out": out, "res": res, "by_id": by_id, "class_page": page}


def test_results_hold_small_observations_of_visible_tests(graded):
    for sid, g in graded["by_id"].items():
        obs = g.observations
        hidden = {t.name for t in g.tests if t.hidden}
        assert not hidden & set(obs), sid
        assert len((graded["out"] / sid / "results.json").read_bytes()) < 100_000
    obs = graded["by_id"]["ada"].observations
    assert set(obs) == {"test_naive_sum_error_bound", "test_kahan_sum_error_bound",
                        "test_neumaier_sum_error_bound"}
    assert all(s["over"] == 0 and s["count"] >= 5 for v in obs.values() for s in v)
    bad = graded["by_id"]["bruno"].observations["test_kahan_sum_error_bound"]
    assert bad[0]["over"] >= 1


def test_student_report_shows_failures_inputs_plots_and_lateness(graded):
    page = (graded["out"] / "bruno" / "report.html").read_text()  # rewritten with late numbers
    assert "16.8 / 30" in page and "2 days late" in page and "21 / 30" in page and "penalty 20%" in page
    # both times in the course's own zone (the due date's offset), not UTC
    assert "submitted 2026-11-30 02:00 (UTC-08:00), due 2026-11-28 23:59 (UTC-08:00)" in page
    assert "Smallest failing input" in page and "x=array([1., 1.], dtype=float32)" in page
    assert page.count("data:image/svg+xml;base64,") == 3 and "<script" not in page
    assert "0 of 1 example" in page  # the caption of the failed error bound
    assert HIDDEN_FEEDBACK in page
    on_time = (graded["out"] / "ada" / "report.html").read_text()
    assert "30 / 30" in on_time and "Late:" not in on_time and "late penalty" not in on_time
    md = (graded["out"] / "bruno" / "report.md").read_text()
    assert "- FAIL **test_kahan_sum_error_bound**" in md and "within the allowed bound" in md
    assert "final 16.8" in md and "due 2026-11-28 23:59 (UTC-08:00)" in md


def test_class_report_numbers(graded):
    s = class_report.summarise(graded["res"])
    finals = [30.0, 16.8, 10.0]  # ada full marks, bruno late, chen without kahan/neumaier
    assert graded["by_id"]["chen"].score == 10
    assert s["n"] == 3 and s["max_score"] == 30 and s["late"] == 1  # ada was on time
    assert s["mean"] == pytest.approx(statistics.fmean(finals)) and s["median"] == 16.8
    assert s["common"]["name"] == "test_kahan_sum_exact" and s["common"]["failed"] == 2
    example = s["example"]["message"] + s["example"]["input"]
    assert "kahan_sum(x)" in example and not any(sid in example for sid in CLASS)
    rates = {t["name"]: t["rate"] for t in s["tests"]}
    assert rates["test_naive_sum_exact"] == 1 and rates["test_kahan_sum_error_bound"] == pytest.approx(1 / 3)
    page = graded["class_page"].read_text()
    assert 'href="bruno/report.html"' in page and page.count("data:image/png;base64,") == 2


# ------------------------------------------------------------------------------ Chromium

def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("ULP_CI"):
            pytest.fail("chromium is not installed: CI must render the reports (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def _render(page: Path, shot: Path, profile: Path, keep: bool = True) -> str:
    """Screenshot ``page`` into ``shot`` and return its DOM as Chromium built it."""
    base = [_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--user-data-dir={profile}", "--window-size=1280,2000"]
    url = page.resolve().as_uri()
    subprocess.run(base + [f"--screenshot={shot}", url], check=True, capture_output=True, timeout=120)
    dom = subprocess.run(base + ["--dump-dom", url], check=True, capture_output=True, text=True,
                         timeout=120).stdout
    folder = os.environ.get("ULP_REPORT_SCREENSHOTS")
    if folder and keep:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(folder) / shot.name)
    return dom


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(dom: str) -> str:
    p = _Text()
    p.feed(dom)
    return " ".join(" ".join(p.parts).split())


def assert_not_blank(shot: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image
    import numpy as np

    img = matplotlib.image.imread(shot)[..., :3]
    assert img.shape[0] >= 1000 and img.shape[1] >= 1200, img.shape
    ink = (img < 0.9).any(axis=-1).mean()
    colours = len(np.unique((img * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert ink > 0.03 and colours > 50, f"{shot} looks blank: {ink:.1%} ink, {colours} colours"
    # a plot's green or red is there, not only black text
    green = ((img[..., 1] > img[..., 0] + 0.2) & (img[..., 1] > img[..., 2] + 0.1)).mean()
    assert green > 0.001, f"{shot}: no green (passed points, bars) is drawn"


def test_student_report_in_chromium(graded, tmp_path):
    shot = tmp_path / "student-report.png"
    text = page_text(_render(graded["out"] / "bruno" / "report.html", shot, tmp_path / "profile"))
    assert_not_blank(shot)
    for needed in ("16.8 / 30", "2 days late", "test_kahan_sum_error_bound", "Smallest failing input",
                   "0 of 1 example", "x=array([1., 1.], dtype=float32)"):
        assert needed in text, needed


def test_class_report_in_chromium(graded, tmp_path):
    shot = tmp_path / "class-report.png"
    text = page_text(_render(graded["class_page"], shot, tmp_path / "profile"))
    assert_not_blank(shot)
    s = class_report.summarise(graded["res"])
    for needed in ("3 students graded", f"mean {s['mean']:.2f}", "median 16.8", "highest 30 of 30",
                   "test_kahan_sum_exact failed for 2 of 3 students", "bruno", "16.8"):
        assert needed in text, needed


def test_the_blank_check_catches_a_blank_page(tmp_path):
    """The screenshot checks above can fail: a page with one line of text does not pass."""
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><html><body><p>17.6 / 30</p></body></html>")
    shot = tmp_path / "blank.png"
    text = page_text(_render(page, shot, tmp_path / "profile", keep=False))
    assert text == "17.6 / 30"
    with pytest.raises(AssertionError, match="looks blank"):
        assert_not_blank(shot)


def test_an_infinite_error_is_called_infinite_not_an_exact_bound():
    """-inf against a ±0.33 tolerance once read 'over a bound of 0 (an exact result was
    required)'."""
    s = plots.series_of({"t": [{"label": "l", "count": 1, "over": 1, "error": ["inf"],
                                "bound": [0.33]}]})[0]
    assert "infinite" in s.caption() and "bound of 0" not in s.caption()
    exact = plots.series_of({"t": [{"label": "l", "count": 1, "over": 1, "error": [1e-3],
                                    "bound": [0.0]}]})[0]
    assert "over a bound of 0" in exact.caption()


def test_an_infinite_error_drawn_on_the_top_edge_is_labelled():
    """A point pinned to the top edge once looked like an ordinary large error."""
    s = plots.series_of({"t": [{"label": "l", "count": 2, "over": 1, "error": ["inf", 1e-9],
                                "bound": [0.33, 1e-8]}]})[0]
    svg = base64.b64decode(plots.error_vs_bound(s).split(",", 1)[1]).decode()
    assert "∞" in svg and "error infinite or NaN (1): on the top edge" in svg
    finite = plots.series_of({"t": [{"label": "l", "count": 1, "over": 0, "error": [1e-9],
                                     "bound": [1e-8]}]})[0]
    assert "∞" not in base64.b64decode(plots.error_vs_bound(finite).split(",", 1)[1]).decode()
