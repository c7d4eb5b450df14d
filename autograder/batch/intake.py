"""Finding the students' submissions in what an instructor hands ``ulp grade``.

Three shapes are accepted:

- a folder with one sub-folder per student, named by the student's id (the course's key, see
  :mod:`autograder.course.identity`);
- a single file, graded as one student named by the file's stem;
- Gradescope's "Export Submissions" zip, or that zip unpacked: ``submission_metadata.yml`` beside
  one ``submission_<n>/`` folder per submission. The YAML is written by Ruby, so its keys are
  symbols (``:submitters:``, ``:sid:``, ``:created_at:``); a group submission lists several
  submitters, and each of them is graded on the same files. A student's id is the course's key:
  ``:sid:`` or ``:email:``, or for ``user_id`` the id ulp graded them under on Gradescope (in the
  stored results' ``extra_data``); a submitter without it is refused. ``:sid:`` is kept for
  Canvas.

Each submission also has a time, for the late policy. Gradescope's is ``:created_at`` in the
metadata. A plain folder has none, so the time is the modification time of the graded file,
unless ``submission_times.csv`` (columns ``student_id,submitted_at``, ISO 8601 with an offset)
in the SUBMISSIONS folder gives it: a copy that did not keep modification times (``cp`` without
``-p``, a zip without times) would otherwise date every submission to the copy.

A zip is unpacked once into the cache folder (``$ULP_CACHE_DIR``, default: the system's
temporary folder, under ``ulp-exports/``), in a folder named by the zip's hash, so a resumed
batch finds the same paths.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import yaml

from autograder.course import identity
from autograder.errors import SubmissionError
from autograder.model import STUDENT_ID, Submission, module_file, submission_names

METADATA = "submission_metadata.yml"
TIMES = "submission_times.csv"
MAX_UNPACKED_BYTES = 2 * 1024**3  # a zip bomb stops here; a class of .py files is far smaller


def find(submissions: Path, assignment_id: str, cache_dir: Path | None = None,
         key: str = identity.DEFAULT, names: tuple[str, ...] = ()) -> list[Submission]:
    """Every student's submission in ``submissions``, in a stable order; a Gradescope export's
    students under the course's student ``key`` (:mod:`autograder.course.identity`)."""
    submissions, names = Path(submissions), names or submission_names(assignment_id)
    if submissions.is_file() and submissions.suffix.lower() == ".zip" \
            and is_notebook_export(submissions):  # otter's grader.export() of one student
        folder = unpack(submissions, cache_dir, notebook=True)
        return [Submission(submissions.stem, folder, _export_notebook(folder, assignment_id),
                           _mtime(submissions), "file")]
    if submissions.is_file() and submissions.suffix.lower() == ".zip":
        return _gradescope(unpack(submissions, cache_dir), names, key)
    if submissions.is_file():
        return [Submission(submissions.stem, submissions, submissions, _mtime(submissions), "file")]
    if not submissions.is_dir():
        raise SubmissionError(f"{submissions} is not a folder of submissions: give a folder with "
                              "one sub-folder per student (named by the student id), or the zip "
                              "Gradescope's 'Export Submissions' downloads")
    root = gradescope_root(submissions)
    if root is not None:
        return _gradescope(root, names, key)
    times = _read_times(submissions / TIMES)
    found = []
    for p in sorted(submissions.iterdir()):
        if p.is_dir() and not p.name.startswith("."):
            graded = submitted_module(p, assignment_id, cache_dir, names)
            found.append(Submission(p.name, p, graded, times.get(p.name) or _mtime(graded or p),
                                    "folder"))
    return found


def is_gradescope_export(submissions: Path) -> bool:
    """A zip (Gradescope's export is one, a notebook export is not) or a folder holding
    ``submission_metadata.yml``."""
    submissions = Path(submissions)
    if submissions.is_file():
        return submissions.suffix.lower() == ".zip" and not is_notebook_export(submissions)
    return submissions.is_dir() and gradescope_root(submissions) is not None


def _autograder_metadata(submission: Path) -> dict:
    """``submission_metadata.json`` beside a submission folder (what Gradescope gives an
    autograder run), or {}."""
    try:
        data = json.loads((Path(submission).parent / "submission_metadata.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def gradescope_student(submission: Path, key: str) -> str | None:
    """The submitter's canonical id (``key``: sid, email or user_id) from the run's metadata;
    None where there is no metadata (not a Gradescope run); a SubmissionError where the
    submitter lacks that id."""
    users = _autograder_metadata(submission).get("users") or []
    if not users:
        return None
    return identity.from_gradescope_user(users[0], key, str(Path(submission).parent /
                                                               "submission_metadata.json"))


def gradescope_times(submission: Path) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(submitted at, the assignment's due date) from the run's metadata; None where absent."""
    meta = _autograder_metadata(submission)
    where = str(Path(submission).parent / "submission_metadata.json")
    created = meta.get("created_at")
    due = (meta.get("assignment") or {}).get("due_date") if isinstance(meta.get("assignment"), dict) else None
    return (parse_time(created, where) if created else None,
            parse_time(due, where) if due else None)


# --------------------------------------------------------------------------- notebook exports

def is_notebook_export(zip_path: Path) -> bool:
    """A zip holding a notebook and no ``submission_metadata.yml``: what otter's
    ``grader.export()`` writes (the notebook, otter's log, the zip's name), told apart from a
    Gradescope export by what it holds, not by its name."""
    try:
        with zipfile.ZipFile(zip_path) as z:
            names = [PurePosixPath(n) for n in z.namelist()]
    except (OSError, zipfile.BadZipFile):
        return False
    if any(n.name == METADATA for n in names):
        return False
    return any(n.suffix == ".ipynb" and "__MACOSX" not in n.parts
               and ".ipynb_checkpoints" not in n.parts for n in names)


def _export_notebook(folder: Path, assignment_id: str) -> Path | None:
    """The notebook to grade in an unpacked notebook export: ``<id>.ipynb`` (any case, at any
    depth, the shallowest), else the only notebook in it; None where that is not one file.
    otter's log (a pickle) and anything else in the zip are never read."""
    notebooks = sorted((p for p in folder.rglob("*.ipynb") if p.is_file() and not p.is_symlink()
                        and ".ipynb_checkpoints" not in p.parts and "__MACOSX" not in p.parts),
                       key=lambda p: (len(p.relative_to(folder).parts), str(p)))
    named = [p for p in notebooks if p.name.lower() == f"{assignment_id}.ipynb".lower()]
    if named:
        return named[0]
    return notebooks[0] if len(notebooks) == 1 else None


def submitted_module(submission: Path, assignment_id: str, cache_dir: Path | None = None,
                     names: tuple[str, ...] = ()) -> Path | None:
    """The file to grade in what a student handed in (:func:`autograder.model.module_file`, of
    ``names``: by default a module's), or, where that finds none and the folder holds exactly
    one notebook export zip (uploaded to Gradescope as it is), the notebook inside it, unpacked
    once to the cache folder."""
    found = module_file(submission, names or submission_names(assignment_id))
    folder = Path(submission)
    if found is not None or not folder.is_dir():
        return found
    zips = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".zip"
            and is_notebook_export(p)]
    if len(zips) != 1:
        return None
    return _export_notebook(unpack(zips[0], cache_dir, notebook=True), assignment_id)


# --------------------------------------------------------------------------- plain folders

def _mtime(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)


def parse_time(value, where: str) -> dt.datetime:
    """An aware datetime from a YAML timestamp, an ISO 8601 string or Gradescope's
    ``2026-10-01 23:59:00.123456789 -0700``; a time without an offset is refused."""
    if isinstance(value, dt.datetime):
        when = value
    else:
        text = str(value).strip()
        parts = text.split()
        if len(parts) == 3:  # "date time offset", Ruby's Time#to_s
            text = f"{parts[0]}T{parts[1]}{parts[2]}"
        elif len(parts) == 2:
            text = f"{parts[0]}T{parts[1]}"
        date, _, rest = text.partition("T")
        if "." in rest:  # Python takes at most 6 digits of a second's fraction
            whole, _, frac = rest.partition(".")
            digits = len(frac) - len(frac.lstrip("0123456789"))
            rest = f"{whole}.{frac[:digits][:6].ljust(6, '0')}{frac[digits:]}"
        try:
            when = dt.datetime.fromisoformat(f"{date}T{rest}" if rest else date)
        except ValueError as e:
            raise SubmissionError(f"{where}: {value!r} is not a time (write ISO 8601 with an "
                                  "offset, e.g. 2026-10-01T23:59:00-07:00)") from e
    if when.tzinfo is None:
        raise SubmissionError(f"{where}: the time {value!r} has no UTC offset; add one (e.g. "
                              "2026-10-01T23:59:00-07:00 or ...Z) so it means one moment")
    return when


def _read_times(path: Path) -> dict[str, dt.datetime]:
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if not {"student_id", "submitted_at"} <= set(reader.fieldnames or []):
            raise SubmissionError(f"{path}: the first line must name the columns student_id and "
                                  f"submitted_at (found: {', '.join(reader.fieldnames or [])})")
        return {row["student_id"].strip(): parse_time(row["submitted_at"], f"{path}, line {n}")
                for n, row in enumerate(reader, start=2) if (row["student_id"] or "").strip()}


# --------------------------------------------------------------------------- Gradescope exports

def gradescope_root(folder: Path) -> Path | None:
    """The folder holding ``submission_metadata.yml``: ``folder`` or its only sub-folder (the
    export unpacks to ``assignment_<n>_export/``)."""
    if (folder / METADATA).is_file():
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "__MACOSX"))]
    if len(subs) == 1 and (subs[0] / METADATA).is_file():
        return subs[0]
    return None


def unpack(zip_path: Path, cache_dir: Path | None = None, *, notebook: bool = False) -> Path:
    """Unpack a Gradescope export (or, ``notebook``, a notebook export) once, to a folder named
    by the zip's hash.

    The same zip always lands in the same folder, so a resumed ``ulp grade`` finds the same
    paths; members that would land outside it (absolute, ``..``, links) are refused."""
    digest = hashlib.sha256(zip_path.read_bytes()).hexdigest()[:16]
    cache = Path(cache_dir or Path(tempfile.gettempdir()) / "ulp-exports")
    dest = cache / f"{zip_path.stem}-{digest}"
    if (dest / ".complete").exists():
        return dest if notebook else gradescope_root(dest) or dest
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=cache))
    try:
        with zipfile.ZipFile(zip_path) as z:
            total = 0
            for info in z.infolist():
                name = PurePosixPath(info.filename)
                if info.filename.startswith("/") or ".." in name.parts or "\\" in info.filename:
                    raise SubmissionError(f"{zip_path}: member {info.filename!r} would unpack "
                                          "outside its folder; this is not a Gradescope export")
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    continue  # a symbolic link: never followed, never graded
                total += info.file_size
                if total > MAX_UNPACKED_BYTES:
                    raise SubmissionError(f"{zip_path} unpacks to more than "
                                          f"{MAX_UNPACKED_BYTES >> 30} GiB; export fewer files")
                target = staging.joinpath(*name.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
    except zipfile.BadZipFile as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise SubmissionError(f"{zip_path} is not a readable zip ({e}); download the export "
                              "again from Gradescope (Assignment → Review Grades → Export "
                              "Submissions)") from e
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    (staging / ".complete").touch()
    try:
        staging.rename(dest)
    except OSError:  # another process unpacked it first
        shutil.rmtree(staging, ignore_errors=True)
    if notebook:
        return dest
    root = gradescope_root(dest)
    if root is None:
        raise SubmissionError(f"{zip_path} holds no {METADATA} (at its top or in its one "
                              "folder): it is not a Gradescope submissions export")
    return root


def _yaml_loader():
    """PyYAML's safe loader that reads tags it does not know (Ruby objects such as
    ``!ruby/hash:ActiveSupport::HashWithIndifferentAccess``) as plain data, never as objects."""
    class Loader(yaml.SafeLoader):
        pass

    def plain(loader, suffix, node):
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node, deep=True)
        return loader.construct_scalar(node)

    Loader.add_multi_constructor("!", plain)
    Loader.add_multi_constructor("tag:", plain)
    return Loader


def _key(d: dict, name: str):
    """``d[':name']`` (Ruby symbol, as Gradescope writes it) or ``d['name']``."""
    if not isinstance(d, dict):
        return None
    return d.get(f":{name}", d.get(name))


def read_metadata(root: Path) -> dict:
    path = root / METADATA
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_yaml_loader())  # noqa: S506 - safe loader subclass
    except (OSError, yaml.YAMLError) as e:
        raise SubmissionError(f"{path} cannot be read as YAML ({e}); download the export again "
                              "from Gradescope") from e
    if not isinstance(data, dict):
        raise SubmissionError(f"{path} is not a mapping of submission folders to their "
                              "submitters: is this a Gradescope programming-assignment export?")
    return data


def _find_module(folder: Path, names: tuple[str, ...]) -> Path:
    """The file to grade inside a Gradescope submission folder: the first of ``names`` at
    its top, else the shallowest one below (an upload from GitHub keeps the repository's
    folders); the folder itself when there is none, which grades as 'file missing'."""
    for name in names:
        hits = sorted((p for p in folder.rglob(name) if p.is_file()),
                      key=lambda p: (len(p.relative_to(folder).parts), str(p)))
        if hits:
            return hits[0]
    return folder


def _graded_as(record: dict) -> str | None:
    """The student id ulp graded under on Gradescope (``extra_data.ulp.student_id`` in the stored
    results: Gradescope's user id), so a regrade here uses the same seed and per-student values
    as the student's statement and their Gradescope run."""
    res = _key(record, "results")
    ulp = _key(_key(res, "extra_data") or {}, "ulp") or {}
    sid = _key(ulp, "student_id")
    return str(sid).strip() if sid not in (None, "", "student") else None


def _gradescope(root: Path, names: tuple[str, ...], key: str) -> list[Submission]:
    meta = read_metadata(root)
    found: dict[str, Submission] = {}
    for folder_name, record in sorted(meta.items(), key=lambda kv: str(kv[0])):
        folder = root / str(folder_name)
        where = f"{root / METADATA}, {folder_name}"
        if not folder.is_dir() or PurePosixPath(str(folder_name)).name != str(folder_name):
            continue  # metadata for a submission whose files were not exported
        created = _key(record, "created_at")
        when = parse_time(created, where) if created else None
        path = _find_module(folder, names)
        people = _key(record, "submitters") or []
        for person in people:
            sis = str(_key(person, "sid") or "").strip()
            if key == "user_id":  # not in the export: the id ulp graded under on Gradescope
                sid = _graded_as(record) if len(people) == 1 else None
            else:
                sid = str(_key(person, key) or "").strip()
            if not sid:
                raise SubmissionError(
                    f"{where}: a submitter lacks {identity.KEYS[key]}, which this course uses "
                    f"to tell students apart ({identity.FILE}: student_key = {key!r}); add it "
                    "to the Gradescope roster and export again, or choose another student_key")
            if not STUDENT_ID.fullmatch(sid):
                raise SubmissionError(f"{where}: student id {sid!r} cannot name a folder (use "
                                      "letters, digits and . @ + _ -); fix it in the Gradescope "
                                      "roster and export again")
            sub = Submission(sid, folder, path if path.is_file() else None, when, "gradescope",
                             _key(person, "name"), _key(person, "email"), sis or None,
                             {"gradescope_submission": str(folder_name)})
            if sid not in found or (when and found[sid].submitted_at
                                    and when > found[sid].submitted_at):
                found[sid] = sub  # one student in two exported submissions: the later one
    return [found[sid] for sid in sorted(found)]
