"""The gradebook tests again, on a real PostgreSQL server (the shared-deployment backend).

The server is Debian's (``apt-get install postgresql``): ``initdb`` and ``pg_ctl`` from
/usr/lib/postgresql/<version>/bin, run in a temporary folder, listening on a Unix socket only
(no TCP port to collide with), as the ``postgres`` user when we are root (PostgreSQL refuses to
run as root). Without the binaries the tests skip, saying why; with ``ULP_CI`` set they fail,
so CI never reports a skipped check as passing.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from test_gradebook import (  # noqa: F401 - the same tests, collected again with db_url below
    book,
    test_a_new_submission_is_a_new_attempt_and_becomes_current,
    test_a_regrade_after_a_test_fix_keeps_the_history,
    test_a_roster_fills_names_canvas_ids_and_sections,
    test_a_second_connection_sees_the_grades,
    test_canvas_csv_has_the_columns_canvas_imports,
    test_concurrent_records_of_one_result_store_it_once,
    test_the_gradebook_applies_the_late_policy_and_keeps_the_raw_score,
    test_the_same_result_recorded_twice_is_one_attempt_and_one_grading,
)


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _unavailable(reason: str):
    if os.environ.get("ULP_CI"):
        pytest.fail(f"ULP_CI is set, so PostgreSQL must be tested: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server of our own for this module; yields the folder of its socket."""
    bindir = _bindir()
    if bindir is None:
        _unavailable("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed: pip install 'psycopg[binary]' (the [postgres] extra)")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="ulp-pg-"))
    if os.geteuid() == 0:  # PostgreSQL will not run as root
        import pwd
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("we are root and there is no 'postgres' user to run the server as")
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, log = folder / "data", folder / "server.log"

    def run(*cmd):
        proc = subprocess.run(as_user + [str(c) for c in cmd], capture_output=True, text=True,
                              timeout=120)
        if proc.returncode != 0:
            log_text = log.read_text()[-2000:] if log.exists() else ""
            pytest.fail(f"{' '.join(map(str, cmd))} failed:\n{proc.stdout}\n{proc.stderr}\n{log_text}")

    run(bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
        "--no-instructions")
    options = f"-c listen_addresses='' -k {folder} -c fsync=off"
    run(bindir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start")
    try:
        yield folder
    finally:
        subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                  "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def db_url(postgres):
    """A fresh database per test on the module's server."""
    import psycopg

    name = f"ulp_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=str(postgres), user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@/{name}?host={postgres}"


def test_the_server_is_postgresql(db_url):
    """Guard against testing SQLite twice: the engine really speaks to PostgreSQL."""
    from sqlalchemy import text

    from autograder.output import gradebook

    with gradebook.Gradebook(db_url) as b:
        assert b.engine.dialect.name == "postgresql"
        with b.engine.connect() as conn:
            assert conn.execute(text("select version()")).scalar().startswith("PostgreSQL")


def test_ulp_report_reads_a_postgresql_gradebook(db_url, tmp_path):
    """`ulp report OUT --db postgresql+psycopg://...`: the class report and the Canvas CSV come
    from the shared database alone (nothing graded on this machine)."""
    import csv

    from click.testing import CliRunner

    from autograder import cli
    from autograder.output import gradebook
    from test_gradebook import record, result

    with gradebook.Gradebook(db_url) as b:
        record(b, result(), name="Alice", email="alice@uni.edu")
        record(b, result(student="bob", sha="b" * 64,
                         verdicts=(("test_one", 2.0, True), ("test_two", 3.0, True))))
    out = tmp_path / "out"
    res = CliRunner().invoke(cli.main, ["report", str(out), "--db", db_url])
    assert res.exit_code == 0, res.output + repr(res.exception)
    assert (out / "kv_cache" / "class-report.html").is_file()
    with open(out / "canvas.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][-1] == "5" and [r[-1] for r in rows[2:]] == ["2", "5"]
    res = CliRunner().invoke(cli.main, ["report", str(out), "--db", db_url.replace("/ulp_", "/nope_")])
    assert res.exit_code != 0 and "cannot open the gradebook" in res.output
