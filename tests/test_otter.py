"""Notebooks through otter-grader, end to end with the real otter and a real headless kernel.

For kahan_sum and kv_cache: `ulp release --notebook` writes the notebook; executed headless with
the stub, every check cell reports failures and no cell errors; with the reference filled into
its code cells, every check passes; `grader.export()` writes the zip, which `ulp grade` and
run_autograder in an /autograder tree grade to full marks. A notebook with a forged check cell,
an import of the reference, a shell magic grades as its .py twin. `ulp export otter` is consumed
by `otter generate` and `otter run`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.batch import intake
from autograder.batch import otter as otter_grading
from autograder.course import otter as course_otter
from autograder.course import release as releases
from autograder.course.notebook import to_module
from autograder.course.tests import collect
from helpers import ROOT, assignment, grade_one, settings

nbformat = pytest.importorskip("nbformat")
if not os.environ.get("ULP_CI"):  # in CI a missing otter must fail, not skip
    pytest.importorskip("otter")
    pytest.importorskip("nbclient")

BIN = Path(sys.executable).parent
ASSIGNMENTS = ["kahan_sum", "kv_cache"]


@pytest.fixture(scope="module")
def wheel():
    return releases.engine_wheel()


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def released(request, tmp_path_factory, wheel):
    """(assignment, the unpacked student bundle) of `ulp release ID --notebook`."""
    aid = request.param
    a = assignment(aid)
    out = tmp_path_factory.mktemp(f"release-{aid}")
    questions = otter_grading.question_map(a, settings(), public_only=True)
    made = releases.release(a, out / aid, secret=None, wheel=wheel, questions=questions)
    assert made.notebooks == [out / aid / f"{aid}.ipynb"]
    with zipfile.ZipFile(made.student_zip) as z:
        names = z.namelist()
        assert f"{aid}/{aid}.ipynb" in names
        assert {f"{aid}/tests/{q}.py" for q in questions} <= set(names)
        z.extractall(out / "bundle")
    return a, out / "bundle" / aid


def execute(path: Path) -> list[dict]:
    """Run the notebook headless in its folder (as Jupyter would), save it with its outputs."""
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, str(path.with_suffix(".ran.ipynb")))
    return nb.cells


def _text(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        out.append(o.get("text", "") if o["output_type"] == "stream"
                   else str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(out)


def _errors(cells) -> list[str]:
    return [f"{c.source[:60]!r}: {o['ename']}: {o['evalue'][:300]}"
            for c in cells if c.cell_type == "code" for o in c.outputs
            if o["output_type"] == "error"]


def _checks(cells) -> dict[str, str]:
    return {c.source: _text(c) for c in cells if c.cell_type == "code"
            and c.metadata.get("ulp", {}).get("part") == "check"}


def fill(path: Path, solution: Path) -> None:
    """The notebook with ``solution``'s functions in their code cells, its other lines (imports,
    helpers) in the module cell: what a student who solved it would have saved."""
    nb = nbformat.read(str(path), as_version=4)
    _, preamble, functions = course_otter.split_module(solution.read_text())
    by_name = dict(functions)
    cells = {c.metadata.get("ulp", {}).get("part"): c for c in nb.cells}
    helpers = [src for name, src in functions if name not in cells]
    cells["module"].source = "\n\n".join([preamble, *helpers])
    for name, source in by_name.items():
        if name in cells:
            cells[name].source = source
    nbformat.write(nb, str(path))


def test_stub_notebook_checks_fail_without_errors_then_the_solution_passes_and_grades_full(
        released, tmp_path):
    a, released_bundle = released
    bundle = shutil.copytree(released_bundle, tmp_path / a.id)  # a student's copy, worked in
    nb = bundle / f"{a.id}.ipynb"
    cells = execute(nb)
    assert _errors(cells) == []
    checks = _checks(cells)
    assert len(checks) == len(a.functions) + 1, "one check per function, and check_all"
    for source, text in checks.items():
        assert "❌" in text and "✅" not in text, f"{source}: every stub check fails\n{text}"
        assert "not implemented yet" in text or "NotImplementedError" in text, text
    for export in bundle.glob(f"{a.id}_*.zip"):
        export.unlink()

    fill(nb, a.reference)
    cells = execute(nb)
    assert _errors(cells) == []
    for source, text in _checks(cells).items():
        assert "❌" not in text and "passed" in text, f"{source}: passes with the reference\n{text}"
    exported = sorted(bundle.glob(f"{a.id}_*.zip"))
    assert len(exported) == 1, "grader.export() wrote the zip"
    with zipfile.ZipFile(exported[0]) as z:
        assert f"{a.id}.ipynb" in z.namelist()
    assert intake.is_notebook_export(exported[0]) and not intake.is_gradescope_export(exported[0])

    # `ulp grade` on the exported zip: public and hidden tests, full marks
    out = tmp_path / "out"
    env = dict(os.environ, ULP_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run([str(BIN / "ulp"), "grade", a.id, str(exported[0]), "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    res = json.loads(next((out / a.id).glob("*/results.json")).read_text())
    assert res["score"] == res["extra_data"]["ulp"]["max_score"] > 0, res["output"]
    assert len(res["tests"]) == len(collect(a)), "public and hidden tests"

    # Gradescope: the zip uploaded as it is, in an /autograder tree
    root = tmp_path / "autograder"
    gradescope = next((released_bundle.parent.parent / a.id).glob("*-gradescope.zip"))
    with zipfile.ZipFile(gradescope) as z:
        z.extractall(root / "source")
    (root / "submission").mkdir()
    shutil.copy(exported[0], root / "submission" / exported[0].name)
    (root / "results").mkdir()
    (root / "submission_metadata.json").write_text(json.dumps(
        {"users": [{"email": "s@uni.edu", "id": 7, "sid": "s7", "name": "S"}]}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ULP_")}
    env.update(AUTOGRADER_ROOT=str(root), ULP_VENV=str(root / "no-venv-here"),
               ULP_CACHE_DIR=str(tmp_path / "gs-cache"),
               PATH=f"{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}")
    (root / "source" / "run_autograder").chmod(0o755)
    proc = subprocess.run([str(root / "source" / "run_autograder")], cwd="/", env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    res = json.loads((root / "results" / "results.json").read_text())
    assert res["score"] == res["extra_data"]["ulp"]["max_score"] > 0, res["output"]


# --------------------------------------------------------------------------- forged notebooks

INIT = 'import otter\ngrader = otter.Notebook("kahan_sum.ipynb")'


def _notebook(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(nb, str(path))
    return path


def _verdicts(res: dict) -> dict:
    return {t["name"]: t["score"] for t in res["tests"]}


@pytest.mark.parametrize("case", ["forged_check", "reference_import", "shell_magic"])
def test_a_notebook_grades_as_the_module_it_is(case, tmp_path):
    ref = (ROOT / "reference" / "kahan_sum.py").read_text()
    stub = (ROOT / "student_template" / "kahan_sum.py").read_text()
    if case == "forged_check":  # a "check" cell that prints a pass and swaps a function
        extra = ('grader.check("kahan_sum")\nprint("kahan_sum passed all tests!")\n'
                 "kahan_sum = naive_sum")
        twin = 'print("kahan_sum passed all tests!")\nkahan_sum = naive_sum'
        cells, py = [INIT, ref, extra, "grader.check_all()"], ref + "\n" + twin
    elif case == "reference_import":  # the grader's reference path, tried three ways
        extra = ("import sys\nsys.path[:0] = ['/autograder/source/course/reference', "
                 f"{str(ROOT / 'reference')!r}]\nfrom kahan_sum import *  # noqa")
        cells, py = [INIT, stub, extra], stub + "\n" + extra
    else:  # shell magics around a correct solution, and one inside a function
        magic = "!cat /autograder/source/course/reference/kahan_sum.py\n%ls /"
        cells = [INIT, magic, ref, "def peek():\n    !ls /\n    return 1"]
        py = "pass\npass\n" + ref + "\ndef peek():\n    pass\n    return 1"
    (tmp_path / "nb").mkdir()
    (tmp_path / "py").mkdir()
    _notebook(tmp_path / "nb" / "kahan_sum.ipynb", cells)
    (tmp_path / "py" / "kahan_sum.py").write_text(py)
    module, _ = to_module(tmp_path / "nb" / "kahan_sum.ipynb")
    assert "otter" not in "".join(line.split("#")[0] for line in module.splitlines())
    nb = grade_one("kahan_sum", "s", tmp_path / "nb", tmp_path / "out-nb")
    twin = grade_one("kahan_sum", "s", tmp_path / "py", tmp_path / "out-py")
    assert _verdicts(nb) == _verdicts(twin)
    if case == "forged_check":
        assert 0 < nb["score"] < nb["extra_data"]["ulp"]["max_score"], "kahan_sum's tests fail"
    elif case == "reference_import":
        assert nb["score"] == 0, "the reference is out of the sandbox's reach"
    else:
        assert nb["score"] == nb["extra_data"]["ulp"]["max_score"]


def test_otter_lines_become_pass_and_the_rest_stays(tmp_path):
    path = _notebook(tmp_path / "k.ipynb", [
        "from __future__ import annotations\nimport otter, math\ng = otter.Notebook()",
        'g.check("q1"); x = 1\ng.export(\n    pdf=False)', "def f():\n    g.check('q')"])
    module, _ = to_module(path)
    lines = module.splitlines()
    assert lines[0].startswith("from __future__ import annotations")
    compile(module, "k.py", "exec")
    assert "import math" in module and "pass; x = 1" in module
    assert "    g.check('q')" in module, "only top-level statements are otter's plumbing"


# --------------------------------------------------------------------------- ulp export otter

@pytest.mark.parametrize("released", ["kahan_sum"], indirect=True)  # one is enough for otter
def test_export_otter_is_consumed_by_otter_generate_and_otter_run(tmp_path, released):
    a, bundle = released
    out = tmp_path / "otter"
    proc = subprocess.run([str(BIN / "ulp"), "export", "otter", a.id, "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    tests = {p.stem for p in (out / "tests").glob("*.py")}
    assert tests == set(a.functions)
    assert "hidden=True" in "".join(p.read_text() for p in (out / "tests").glob("*.py"))
    otter = str(BIN / "otter")
    proc = subprocess.run([otter, "generate", "course", "wheels"], cwd=out,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    solved = tmp_path / "sub" / f"{a.id}.ipynb"
    solved.parent.mkdir()
    shutil.copy(bundle / f"{a.id}.ipynb", solved)
    fill(solved, a.reference)
    scores = {}
    for who, path in (("solved", solved), ("stub", bundle / f"{a.id}.ipynb")):
        results = tmp_path / f"results-{who}"
        results.mkdir()
        proc = subprocess.run([otter, "run", "-a", str(out / "autograder.zip"), "-o", str(results),
                               str(path)], capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, ULP_CACHE_DIR=str(tmp_path / "cache")))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        scores[who] = json.loads((results / "results.json").read_text())
    max_score = sum(t.points for t in collect(a))  # public and hidden
    for who, want in (("solved", max_score), ("stub", 0)):
        graded = [t for t in scores[who]["tests"] if "score" in t]  # one per question
        assert {t["name"] for t in graded} == set(a.functions)
        assert sum(t["score"] for t in graded) == want, scores[who]
        assert sum(t["max_score"] for t in graded) == max_score


def test_without_otter_the_notebook_features_say_so_in_one_line(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from autograder import cli
    from autograder.errors import MissingExtra

    monkeypatch.setitem(sys.modules, "otter", None)  # import otter raises ImportError
    with pytest.raises(MissingExtra, match=r"ulp-autograder\[otter\]"):
        otter_grading.require_otter()
    for args in (["release", "kahan_sum", "--notebook", "--out", str(tmp_path / "r")],
                 ["export", "otter", "kahan_sum", "--out", str(tmp_path / "o")]):
        result = CliRunner().invoke(cli.main, args)
        assert result.exit_code == 2, result.output
        assert "pip install 'ulp-autograder[otter]'" in result.output
        assert "Traceback" not in result.output


def test_a_student_folder_with_an_export_zip_and_a_bare_export_are_found(tmp_path):
    nb = _notebook(tmp_path / "kahan_sum.ipynb", [INIT, "x = 1"])
    export = tmp_path / "kahan_sum_2026_10_01T23_59_00_000000.zip"
    with zipfile.ZipFile(export, "w") as z:
        z.write(nb, "kahan_sum.ipynb")
        z.writestr(".OTTER_LOG", b"\x80\x04not read")  # otter's pickle: never opened
        z.writestr("__zip_filename__", export.name)
    (tmp_path / "class" / "alice").mkdir(parents=True)
    shutil.copy(export, tmp_path / "class" / "alice" / export.name)
    found = intake.find(tmp_path / "class", "kahan_sum", tmp_path / "cache")
    assert [(s.student_id, s.file.name) for s in found] == [("alice", "kahan_sum.ipynb")]
    bare = intake.find(export, "kahan_sum", tmp_path / "cache")
    assert bare[0].file.read_bytes() == nb.read_bytes()
    assert intake.submitted_module(tmp_path / "class" / "alice", "kahan_sum",
                                   tmp_path / "cache").name == "kahan_sum.ipynb"


def test_a_check_run_on_an_unsaved_change_asks_to_save():
    class History:
        input_hist_raw = ["", "def f(x):\n    return 1", "def f(x):\n    return 2", "f(3)"]

    class Shell:
        history_manager = History()

    env = {"get_ipython": lambda: Shell()}
    assert otter_grading.stale_cells(env, ["def f(x):\n    return 2"]) == []
    assert otter_grading.stale_cells(env, ["def f(x):\n    return 1"]) == ["f"]
    assert otter_grading.stale_cells({}, []) == [], "outside IPython there is nothing to compare"
