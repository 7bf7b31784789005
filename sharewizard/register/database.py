"""The register's database: an SQLite file or a PostgreSQL server, behind one small adapter.

The SQL is written once, in what both speak (`?` placeholders, `ON CONFLICT`, `BEGIN`/`COMMIT`),
and runs unchanged on both: SQLite through the standard library, PostgreSQL through psycopg
(installed with `pip install 'sharewizard[postgres]'`, imported only for a PostgreSQL address).
Every failure of either driver becomes one `RegisterError` naming the database.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharewizard.core.errors import Location, RegisterError

DB_ENV = "SHAREWIZARD_DB"
DEFAULT_FILE = "register.sqlite3"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
BUSY_SECONDS = 30  # how long a writer waits for another one (SQLite) before giving up
CACHE_KIB = 65536  # SQLite's page cache (its default, 2 MB, thrashes on a register of millions)


def target_of(option: str | None) -> str:
    """Which database: `--db`, else `$SHAREWIZARD_DB`, else the file in the user's data folder."""
    if option:
        return option
    if os.environ.get(DB_ENV):
        return os.environ[DB_ENV]
    from sharewizard.disk.places import data_dir

    return str(data_dir() / DEFAULT_FILE)


def is_postgres(target: str) -> bool:
    """Whether `target` is a PostgreSQL address rather than a file."""
    return target.startswith(POSTGRES_SCHEMES)


def shown(target: str) -> str:
    """The target as it may be printed: a PostgreSQL address without its password."""
    if not is_postgres(target):
        return target
    scheme, _, rest = target.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return target
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


@dataclass
class Database:
    """One open connection: `execute`, `rows` and `transaction`, the same SQL for both drivers."""

    connection: Any
    dialect: str  # "sqlite" or "postgresql"
    name: str  # as printed in messages (no password)
    errors: tuple[type[BaseException], ...]  # the driver's error classes

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; return the cursor."""
        with self._failing():
            return self.connection.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row (one round trip on PostgreSQL: psycopg pipelines it)."""
        if not rows:
            return
        with self._failing():
            cursor = self.connection.cursor()
            cursor.executemany(self._sql(sql), rows)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row a query returns."""
        with self._failing():
            return [tuple(row) for row in self.connection.execute(self._sql(sql), tuple(params))]

    def pages(self, sql: str, start: Any, size: int = 2000) -> Iterator[tuple[Any, ...]]:
        """Every row of a query that is read a page at a time, by its first column.

        `sql` ends `WHERE key > ? ORDER BY key LIMIT ?`, the key being its first column: no
        cursor stays open between pages, so other statements can run meanwhile, and a register
        of millions is never held in memory (psycopg would fetch a whole result at once).
        """
        last = start
        while True:
            found = self.rows(sql, (last, size))
            yield from found
            if len(found) < size:
                return
            last = found[-1][0]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        self.execute("BEGIN")
        try:
            yield
        except BaseException:
            with self._failing():
                self.connection.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (errors on the way out are not worth a message)."""
        try:
            self.connection.close()
        except self.errors:
            pass

    def _sql(self, sql: str) -> str:
        # psycopg's placeholder is %s; the register's SQL holds no literal % or ? of its own
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    @contextmanager
    def _failing(self) -> Iterator[None]:
        try:
            yield
        except self.errors as exc:
            raise database_error(exc, self.name) from None


def database_error(exc: BaseException, name: str) -> RegisterError:
    """One paragraph a person can act on, for any failure of either driver."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    where = Location(name, field="--db")
    if "not a database" in text or "malformed" in text:
        return RegisterError(
            f"is not a sharewizard register, or it is damaged ({text}).",
            where,
            "Give another --db, or restore the register from a backup.",
        )
    if "locked" in text or "could not obtain lock" in text:
        return RegisterError(
            f"the register is busy: another sharewizard is writing to it ({text}).",
            where,
            "Try again when it has finished.",
        )
    if "readonly" in text or "read-only" in text or "permission denied" in text.lower():
        return RegisterError(
            f"cannot write to the register ({text}).",
            where,
            "Check that you may write to it and to its folder, or give another --db.",
        )
    return RegisterError(f"the register's database failed: {text}.", where)


def connect(target: str) -> Database:
    """Open the register at `target` (a file path or a PostgreSQL address)."""
    if is_postgres(target):
        return _connect_postgres(target)
    if "://" in target:
        raise RegisterError(
            "is neither a file nor a PostgreSQL address (postgresql://...).",
            Location(shown(target), field="--db"),
            "Give a file path for an SQLite register, or a postgresql:// address.",
        )
    return _connect_sqlite(Path(target).expanduser())


# --- SQLite ------------------------------------------------------------------------------------


def _connect_sqlite(path: Path) -> Database:
    import sqlite3

    _prepare_file(path)
    name = str(path)
    try:
        connection = sqlite3.connect(
            name, isolation_level=None, timeout=BUSY_SECONDS, check_same_thread=False
        )
        connection.execute("PRAGMA journal_mode=WAL")  # reading "not a database" happens here
        connection.execute("PRAGMA synchronous=FULL")  # a committed batch survives a power cut
        connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # ids are random: indexes need it
    except sqlite3.Error as exc:
        raise database_error(exc, name) from None
    return Database(connection, "sqlite", name, (sqlite3.Error,))


def _prepare_file(path: Path) -> None:
    """The register file exists, is a regular file, and only its owner can read it.

    A new file is made here, mode 600, before SQLite opens it (SQLite gives its journal files the
    same mode); the default folder is made owner-only too. A file that others could read is
    made owner-only, as it should have been.
    """
    from sharewizard.disk.places import data_dir

    where = Location(path, field="--db")
    folder = path.parent
    if path.parent == data_dir() and not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            raise RegisterError(f"cannot create the folder: {exc.strerror}.", where) from None
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise RegisterError(f"cannot check the file: {exc.strerror}.", where) from None
    if mode is not None and not stat.S_ISREG(mode):
        raise RegisterError(
            "is not a regular file (a folder, a symbolic link, a pipe or a device).",
            where,
            "Give the path of a register file, or of one to create.",
        )
    if mode is None:
        if not folder.is_dir():
            raise RegisterError(
                "the folder does not exist.", where, "Create it first, or give another --db."
            )
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass  # another sharewizard made it meanwhile
        except OSError as exc:
            raise RegisterError(
                f"cannot create the register: {exc.strerror}.",
                where,
                "Choose a folder you may write to, or give another --db.",
            ) from None
    elif mode & 0o077:
        try:
            os.chmod(path, 0o600)
        except OSError as exc:
            raise RegisterError(
                f"others may read this register and it cannot be made owner-only: {exc.strerror}.",
                where,
            ) from None


# --- PostgreSQL --------------------------------------------------------------------------------


def _connect_postgres(target: str) -> Database:
    name = shown(target)
    try:
        import psycopg
    except ImportError:
        raise RegisterError(
            "a PostgreSQL register needs psycopg, which is not installed.",
            Location(name, field="--db"),
            "Install it with: pip install 'sharewizard[postgres]'.",
        ) from None
    try:
        connection = psycopg.connect(target, autocommit=True, connect_timeout=10)
    except psycopg.ProgrammingError as exc:  # psycopg's word for an address it cannot parse
        raise RegisterError(
            f"is not a valid PostgreSQL address: {' '.join(str(exc).split())}.",
            Location(name, field="--db"),
            "For example postgresql://user@host/dbname (the password in PGPASSWORD or ~/.pgpass).",
        ) from None
    except psycopg.Error as exc:
        raise RegisterError(
            f"cannot connect to the PostgreSQL server: {' '.join(str(exc).split())}.",
            Location(name, field="--db"),
            "Check the address, that the server is running and reachable, and the user and "
            "password (PGPASSWORD or ~/.pgpass).",
        ) from None
    return Database(connection, "postgresql", name, (psycopg.Error,))
