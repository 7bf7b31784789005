"""What goes wrong with a register database is one paragraph and exit 2, never a traceback."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from sharewizard.cli import main
from sharewizard.register.database import shown
from sharewizard.register.schema import SCHEMA_VERSION
from tests.register.conftest import POSTGRES


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def error_of(capsys, db: str, *command: str) -> str:
    code, out, err = run(capsys, "register", *(command or ("report",)), "--db", db)
    assert code == 2, (out, err)
    assert err.startswith("Error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_the_default_register_is_owner_only_in_the_data_folder(capsys, monkeypatch, tmp_path):
    data = tmp_path / "data"
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(data))
    monkeypatch.delenv("SHAREWIZARD_DB", raising=False)
    code, out, _ = run(capsys, "register", "report", "--format", "json")
    assert code == 0
    db = data / "register.sqlite3"
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    assert str(db) in out


def test_sharewizard_db_names_the_register(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SHAREWIZARD_DB", str(tmp_path / "team.sqlite3"))
    code, out, _ = run(capsys, "register", "check")
    assert code == 0 and out.startswith(f"{tmp_path / 'team.sqlite3'}: ledger of 0 entries")


def test_a_register_others_can_read_is_made_owner_only(capsys, tmp_path):
    db = tmp_path / "r.sqlite3"
    run(capsys, "register", "check", "--db", str(db))
    os.chmod(db, 0o644)
    run(capsys, "register", "check", "--db", str(db))
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


def test_a_corrupt_register(capsys, tmp_path):
    db = tmp_path / "r.sqlite3"
    db.write_bytes(b"this is not a database, just some text that was here first" * 100)
    assert error_of(capsys, str(db)) == (
        f"Error: {db}: --db: is not a sharewizard register, or it is damaged (file is not a "
        "database). Give another --db, or restore the register from a backup.\n"
    )


def test_someone_elses_sqlite_database_is_left_alone(capsys, tmp_path):
    db = tmp_path / "other.sqlite3"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE accounts (id INTEGER)")
    assert "is an SQLite database, but not a sharewizard register." in error_of(capsys, str(db))


def test_a_register_from_a_newer_sharewizard_is_refused(capsys, tmp_path):
    db = tmp_path / "r.sqlite3"
    run(capsys, "register", "check", "--db", str(db))
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE register_meta SET value = '99' WHERE name = 'schema_version'")
    assert error_of(capsys, str(db)) == (
        f"Error: {db}: --db: this register has schema version 99, made by a newer sharewizard; "
        f"this one reads up to {SCHEMA_VERSION}. Upgrade sharewizard to use it.\n"
    )


def test_a_folder_that_does_not_exist_or_cannot_be_written(capsys, tmp_path):
    missing = tmp_path / "nope" / "r.sqlite3"
    assert error_of(capsys, str(missing)) == (
        f"Error: {missing}: --db: the folder does not exist. Create it first, or give another "
        "--db.\n"
    )
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() == 0:  # root may write anywhere but in /sys
        locked = Path("/sys")
    assert error_of(capsys, str(locked / "r.sqlite3")) == (
        f"Error: {locked / 'r.sqlite3'}: --db: cannot create the register: Permission denied. "
        "Choose a folder you may write to, or give another --db.\n"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs")
def test_never_a_folder_link_or_pipe(capsys, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere.sqlite3")
    for bad in (tmp_path, fifo, link):
        assert "is not a regular file" in error_of(capsys, str(bad))
    assert not (tmp_path / "elsewhere.sqlite3").exists()


def test_an_address_that_is_neither_a_file_nor_postgresql(capsys):
    assert error_of(capsys, "mysql://u@h/db") == (
        "Error: mysql://u@h/db: --db: is neither a file nor a PostgreSQL address "
        "(postgresql://...). Give a file path for an SQLite register, or a postgresql:// "
        "address.\n"
    )


def test_a_bad_postgresql_address(capsys):
    err = error_of(capsys, "postgresql://u:secret@h/db?nonsense=1")
    assert err.startswith("Error: postgresql://u:***@h/db?nonsense=1: --db: is not a valid ")
    assert "secret" not in err


def test_an_unreachable_postgresql_server(capsys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = f"postgresql://u:secret@127.0.0.1:{port}/db"
    err = error_of(capsys, db)
    assert err.startswith(f"Error: {shown(db)}: --db: cannot connect to the PostgreSQL server: ")
    assert err.endswith(
        "Check the address, that the server is running and reachable, and the user and password "
        "(PGPASSWORD or ~/.pgpass).\n"
    )
    assert "secret" not in err


def test_a_bad_due_limit_or_date_is_a_usage_error(capsys, tmp_path):
    db = str(tmp_path / "r.sqlite3")
    code, _, err = run(capsys, "register", "report", "--db", db, "--as-of", "soon")
    assert (code, err) == (
        2,
        "Error: --as-of: 'soon' is not a date or an ISO 8601 time. For example 2026-07-31 or "
        "2026-07-31T17:00:00Z.\n",
    )
    code, _, err = run(capsys, "register", "report", "--db", db, "--due", "-1")
    assert (code, err) == (2, "Error: --due: must be 0 or more.\n")


def test_ci_runs_the_register_tests_against_postgresql():
    if not os.environ.get("CI"):
        pytest.skip("only CI must have a PostgreSQL server")
    assert POSTGRES, "CI must set SHAREWIZARD_TEST_POSTGRES (.ci/run starts a server)"
