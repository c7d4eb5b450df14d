"""A resumed `ulp grade` keeps a stored grade only when the gradebook agrees with it: a
results.json changed since it was graded (by anyone) is graded again, never trusted."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from autograder import cli
from helpers import TOY


def test_a_changed_results_json_is_regraded_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("ULP_COURSE_DIR", str(TOY))
    klass, out = tmp_path / "class", tmp_path / "out"
    for sid in ("good", "bad"):
        shutil.copytree(TOY / "submissions" / sid, klass / sid)

    def grade():
        res = CliRunner().invoke(cli.main, ["grade", "toy", str(klass), "--out", str(out)])
        assert res.exit_code == 0, res.output

    grade()
    good, bad = out / "toy" / "good" / "results.json", out / "toy" / "bad" / "results.json"
    honest = json.loads(bad.read_text())
    assert 0 < honest["score"] < 6
    forged = json.loads(bad.read_text())  # full marks, still a valid results.json
    for t in forged["tests"]:
        t.update(status="passed", score=t["max_score"])
    forged["score"] = forged["extra_data"]["ulp"]["max_score"]
    bad.write_text(json.dumps(forged))
    kept = good.stat().st_mtime_ns
    grade()
    assert json.loads(bad.read_text())["score"] == honest["score"], "a forged grade was trusted"
    assert good.stat().st_mtime_ns == kept, "an untouched grade was graded again"
