"""The register's tables, its schema version, and the migrations that bring a database up to it.

Each migration is a list of statements run in one transaction; `SCHEMA_VERSION` is how many
there are. A register made by a newer sharewizard is refused rather than misread. The same SQL
runs on SQLite and PostgreSQL (`BYTEA` is a blob to both).
"""

from __future__ import annotations

from sharewizard.core.errors import Location, RegisterError
from sharewizard.register.database import Database

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: records, their content and field states, the ledger, the quarantine
        """CREATE TABLE register_records (
            record_id TEXT PRIMARY KEY,
            checksum TEXT NOT NULL,
            schema_version INTEGER NOT NULL,
            created_at TEXT,
            month TEXT,
            flow TEXT,
            flow_title TEXT,
            flow_version TEXT,
            outcome TEXT,
            decision TEXT,
            decision_label TEXT,
            shares INTEGER,
            organisation TEXT,
            role TEXT,
            case_reference TEXT,
            case_key TEXT,
            sitting_id TEXT,
            sitting_part INTEGER,
            sitting_parts INTEGER,
            for_now TEXT,
            training INTEGER NOT NULL,
            signed_by TEXT,
            source TEXT,
            added_at TEXT NOT NULL,
            forgotten_at TEXT)""",
        "CREATE INDEX register_records_case ON register_records (case_key, created_at)",
        "CREATE INDEX register_records_sitting ON register_records (sitting_id)",
        """CREATE TABLE register_content (
            record_id TEXT PRIMARY KEY,
            content BYTEA NOT NULL)""",
        """CREATE TABLE register_fields (
            record_id TEXT NOT NULL,
            field TEXT NOT NULL,
            state TEXT NOT NULL,
            PRIMARY KEY (record_id, field))""",
        """CREATE TABLE register_ledger (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            record_id TEXT NOT NULL,
            checksum TEXT NOT NULL,
            note TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
        """CREATE TABLE register_quarantine (
            item TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            record_id TEXT,
            state TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL)""",
        "INSERT INTO register_meta (name, value) VALUES ('ledger_seq', '0')",
        "INSERT INTO register_meta (name, value) VALUES ('ledger_hash', '')",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database) -> int:
    """Bring the register up to `SCHEMA_VERSION`; return the version it had (0: new).

    Two sharewizards opening a new register at once take turns: the version row is locked
    (updated to itself) before it is read again, inside each migration's transaction.
    """
    if db.dialect == "sqlite":
        _refuse_foreign_sqlite(db)
    db.execute("CREATE TABLE IF NOT EXISTS register_meta (name TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        "INSERT INTO register_meta (name, value) VALUES ('schema_version', '0') "
        "ON CONFLICT (name) DO NOTHING"
    )
    found = _version(db)
    if found > SCHEMA_VERSION:
        raise RegisterError(
            f"this register has schema version {found}, made by a newer sharewizard; this one "
            f"reads up to {SCHEMA_VERSION}.",
            Location(db.name, field="--db"),
            "Upgrade sharewizard to use it.",
        )
    for number in range(found, SCHEMA_VERSION):
        with db.transaction():
            db.execute(
                "UPDATE register_meta SET value = value WHERE name = 'schema_version'"
            )  # the lock: whoever comes second sees the version the first one left
            if _version(db) > number:
                continue
            for statement in MIGRATIONS[number]:
                db.execute(statement)
            db.execute(
                "UPDATE register_meta SET value = ? WHERE name = 'schema_version'",
                (str(number + 1),),
            )
    return found


def _version(db: Database) -> int:
    found = db.rows("SELECT value FROM register_meta WHERE name = 'schema_version'")
    try:
        return int(found[0][0])
    except (IndexError, TypeError, ValueError):
        raise RegisterError(
            "the register's schema version is unreadable: the database was changed by hand.",
            Location(db.name, field="--db"),
        ) from None


def _refuse_foreign_sqlite(db: Database) -> None:
    """An SQLite file that holds other tables but no register is someone else's database."""
    tables = {row[0] for row in db.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and "register_meta" not in tables:
        raise RegisterError(
            "is an SQLite database, but not a sharewizard register.",
            Location(db.name, field="--db"),
            "Give the path of a register, or of a new file.",
        )
