"""Finding submissions in what an instructor hands `ulp grade`: plain folders (with their
times), Gradescope's export (zip or unpacked), and refusing what would grade the wrong thing."""

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from autograder.batch import intake as submissions
from autograder.errors import SubmissionError

UTC = dt.timezone.utc


# ------------------------------------------------------------------------------------ submissions

GRADESCOPE_YML = """\
submission_101:
  :submitters:
  - :name: Alice Liddell
    :sid: 'alice'
    :email: alice@uni.edu
  :created_at: 2026-10-02 00:30:12.123456789 -0700
  :score: 5.0
  :status: processed
  :results: !ruby/hash:ActiveSupport::HashWithIndifferentAccess
    score: 5.0
    tests:
    - name: test_one
  :history: []
submission_102:
  :submitters:
  - :name: Bob
    :sid: 'bob'
    :email: bob@uni.edu
  - :name: Carol
    :sid: 'carol'
    :email: carol@uni.edu
  :created_at: 2026-09-30 10:00:00.000000000 -07:00
  :history:
  - :id: 99
    :created_at: 2026-09-29 10:00:00.000000000 -07:00
submission_103:
  :submitters:
  - :name: Gone
    :sid: 'gone'
  :created_at: 2026-09-30 10:00:00 -07:00
submission_104:
  :submitters:
  - :name: Dan
    :sid: 'dan'
    :email: dan@uni.edu
  :created_at: 2026-09-30T10:00:00Z
  :results:
    score: 1.0
    extra_data:
      ulp:
        student_id: 777001
"""


def gradescope_export(folder: Path, top="assignment_77_export") -> Path:
    """Gradescope's 'Export Submissions' layout: one folder with the metadata and one
    submission_<n>/ per submission (here 103 has metadata but no files, as a deleted one)."""
    root = folder / top
    (root / "submission_101").mkdir(parents=True)
    (root / "submission_101" / "kv_cache.py").write_text("A = 1\n")
    (root / "submission_102" / "repo" / "src").mkdir(parents=True)  # uploaded from GitHub
    (root / "submission_102" / "repo" / "src" / "kv_cache.py").write_text("B = 2\n")
    (root / "submission_102" / "notes.txt").write_text("hi")
    (root / "submission_104").mkdir()
    (root / "submission_104" / "kv_cache.ipynb").write_text("{}")
    (root / submissions.METADATA).write_text(GRADESCOPE_YML)
    return root


def zip_folder(folder: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w") as z:
        for p in sorted(folder.rglob("*")):
            z.write(p, p.relative_to(folder.parent))
    return dest


def check_export(found):
    by = {s.student_id: s for s in found}
    # the course's key (default: sid) for everyone; a group: both members
    assert sorted(by) == ["alice", "bob", "carol", "dan"]
    assert (by["dan"].sis_id, by["dan"].file.name) == ("dan", "kv_cache.ipynb")
    assert (by["alice"].sis_id, by["carol"].sis_id) == ("alice", "carol")
    assert by["alice"].file.name == "kv_cache.py" and by["alice"].file.read_text() == "A = 1\n"
    assert by["alice"].path.name == "submission_101"  # the folder: helper modules come along
    assert by["bob"].file.parts[-3:] == ("repo", "src", "kv_cache.py")
    assert by["carol"].file == by["bob"].file
    assert by["alice"].submitted_at == dt.datetime(2026, 10, 2, 7, 30, 12, 123456, tzinfo=UTC)
    assert by["bob"].submitted_at == dt.datetime(2026, 9, 30, 17, tzinfo=UTC)
    assert (by["alice"].name, by["alice"].email, by["alice"].source) == (
        "Alice Liddell", "alice@uni.edu", "gradescope")


def test_the_course_key_names_every_student_and_a_submitter_without_it_is_refused(tmp_path):
    """One key for the course (course.toml: sid, email or user_id), never a mix: a student
    graded under another id would draw other per-student values than their statement."""
    root = gradescope_export(tmp_path / "export")
    by_email = {s.student_id for s in submissions.find(root, "kv_cache", key="email")}
    assert by_email == {"alice@uni.edu", "bob@uni.edu", "carol@uni.edu", "dan@uni.edu"}
    with pytest.raises(SubmissionError, match="lacks a Gradescope user id"):
        submissions.find(root, "kv_cache", key="user_id")  # only dan was graded on Gradescope
    (root / submissions.METADATA).write_text(GRADESCOPE_YML.replace(":sid: 'carol'", ":sid: ''"))
    with pytest.raises(SubmissionError, match=r"submission_102: a submitter lacks a student id"):
        submissions.find(root, "kv_cache")


def test_the_course_key_is_read_from_course_toml(tmp_path):
    from autograder.course import identity
    from autograder.errors import CourseError

    assert identity.student_key(tmp_path) == "sid"
    (tmp_path / "course.toml").write_text('student_key = "email"\n')
    assert identity.student_key(tmp_path) == "email"
    (tmp_path / "course.toml").write_text('student_key = "name"\n')
    with pytest.raises(CourseError, match="must be one of sid, email, user_id"):
        identity.student_key(tmp_path)


def test_a_gradescope_export_folder(tmp_path):
    root = gradescope_export(tmp_path / "unzipped")
    check_export(submissions.find(root, "kv_cache"))
    check_export(submissions.find(tmp_path / "unzipped", "kv_cache"))  # one level up


def test_a_gradescope_export_zip_unpacks_once_to_the_same_place(tmp_path, monkeypatch):
    z = zip_folder(gradescope_export(tmp_path / "src"), tmp_path / "assignment_77_export.zip")
    first = submissions.find(z, "kv_cache", tmp_path / "cache")
    check_export(first)
    again = submissions.find(z, "kv_cache", tmp_path / "cache")
    assert [s.file for s in again] == [s.file for s in first]


@pytest.mark.parametrize("member", ["../evil.py", "/abs/evil.py"])
def test_a_zip_that_writes_outside_its_folder_is_refused(tmp_path, monkeypatch, member):
    z = tmp_path / "bad.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr(submissions.METADATA, "{}")
        f.writestr(member, "x = 1")
    with pytest.raises(SubmissionError, match="outside its folder"):
        submissions.find(z, "kv_cache", tmp_path / "cache")
    assert not (tmp_path / "evil.py").exists()


def test_a_zip_that_is_not_an_export_says_so(tmp_path, monkeypatch):
    z = tmp_path / "class.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("alice/kv_cache.py", "x = 1")
        f.writestr("bob/kv_cache.py", "x = 1")
    with pytest.raises(SubmissionError, match="not a Gradescope submissions export"):
        submissions.find(z, "kv_cache", tmp_path / "cache")


def test_a_plain_folder_dates_submissions_by_file_time_unless_a_times_file_says(tmp_path):
    import os
    for sid in ("alice", "bob"):
        (tmp_path / sid).mkdir()
        (tmp_path / sid / "kv_cache.py").write_text("x = 1\n")
    os.utime(tmp_path / "alice" / "kv_cache.py", (1_790_000_000, 1_790_000_000))
    found = {s.student_id: s for s in submissions.find(tmp_path, "kv_cache")}
    assert found["alice"].submitted_at == dt.datetime.fromtimestamp(1_790_000_000, UTC)
    (tmp_path / submissions.TIMES).write_text("student_id,submitted_at\n"
                                              "bob,2026-10-02T01:00:00+02:00\n")
    found = {s.student_id: s for s in submissions.find(tmp_path, "kv_cache")}
    assert found["bob"].submitted_at == dt.datetime(2026, 10, 1, 23, tzinfo=UTC)
    assert found["alice"].submitted_at == dt.datetime.fromtimestamp(1_790_000_000, UTC)
    (tmp_path / submissions.TIMES).write_text("student_id,submitted_at\nbob,2026-10-02 01:00\n")
    with pytest.raises(SubmissionError, match="no UTC offset"):
        submissions.find(tmp_path, "kv_cache")


def test_a_student_id_that_cannot_name_a_folder_is_refused(tmp_path):
    root = tmp_path / "export"
    (root / "submission_1").mkdir(parents=True)
    (root / submissions.METADATA).write_text(
        "submission_1:\n  :submitters:\n  - :sid: '../x'\n  :created_at: 2026-10-01 10:00:00 Z\n")
    with pytest.raises(SubmissionError, match="cannot name a folder"):
        submissions.find(root, "kv_cache")


def test_grading_an_export_of_another_assignment_or_with_all_is_refused(tmp_path):
    """An export holds one assignment: grading it as another would record a zero for everyone."""
    from click.testing import CliRunner

    from autograder import cli

    root = gradescope_export(tmp_path / "export")
    out = tmp_path / "out"
    res = CliRunner().invoke(cli.main, ["grade", "fp32_encode", str(root), "--out", str(out)])
    assert res.exit_code != 0 and "is it the export of another assignment" in res.output
    res = CliRunner().invoke(cli.main, ["grade", "--all", str(root), "--out", str(out)])
    assert res.exit_code != 0 and "give that assignment's id instead of --all" in res.output
    assert not list(out.rglob("results.json"))
