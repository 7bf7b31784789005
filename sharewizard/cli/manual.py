"""What the manual says beyond each option's help: environment variables, exit codes, files.

Declared once here. `sharewizard --help` shows the environment variables; `docs/gen_commands.py`
puts each command's share of all three into its page in `docs/commands/`, and
`docs/gen_readme.py` the table of environment variables into the README. The names of the
variables are the ones the modules reading them declare.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """An environment variable sharewizard reads: its name, what it does, where it matters."""

    name: str
    meaning: str
    commands: tuple[str, ...] = ()  # the commands it changes; () for every command


def variables() -> tuple[Variable, ...]:
    """Every environment variable sharewizard reads, in the order the manual lists them."""
    from sharewizard.cli.options import SIGNING_KEY_ENV
    from sharewizard.disk.places import DATA_ENV
    from sharewizard.flowfiles.catalogue_cache import CACHE_ENV
    from sharewizard.flowfiles.flowsdir import FLOWS_ENV
    from sharewizard.flowfiles.guidance import GUIDANCE_ENV
    from sharewizard.register.database import DB_ENV

    return (
        Variable(FLOWS_ENV, "Use the flows in this folder, as --flows DIR does."),
        Variable(
            DATA_ENV,
            "Your data folder: records, drafts, known keys and the register (default: "
            "~/.local/share/sharewizard on Linux).",
            ("decide", "drafts", "keys", "verify", "register", "replay"),
        ),
        Variable(
            CACHE_ENV,
            "The cache of checked flows folders (default: ~/.cache/sharewizard on Linux); "
            "deleting it is always safe.",
        ),
        Variable(
            SIGNING_KEY_ENV,
            "A private key file to sign every record with, as --sign-key FILE.",
            ("decide", "replay"),
        ),
        Variable(
            GUIDANCE_ENV,
            "The folder of guidance texts quotes are checked against, as --guidance DIR does "
            "(default: ../shared/guidance beside the repository).",
            ("lint",),
        ),
        Variable(
            DB_ENV,
            "The register: an SQLite file or a postgresql:// address, as --db does.",
            ("register", "replay"),
        ),
        Variable("NO_COLOR", "Set (to anything): no colour; bold and italic stay."),
        Variable("ACCESSIBLE", "Set (to anything): plain mode, as --plain."),
        Variable("TERM", "dumb: plain mode, as --plain."),
        Variable(
            "TZ",
            "The time zone of the local time a record carries and shows (default: the system's).",
            ("decide", "replay", "train", "drafts"),
        ),
    )


def variables_of(command: str) -> tuple[Variable, ...]:
    """The variables that change what `command` does."""
    return tuple(v for v in variables() if not v.commands or command in v.commands)


#: Exit codes, each with what it means for every command; `EXITS` says which commands use which.
EXIT_CODES: Mapping[int, str] = {
    0: "success",
    1: "a check failed",
    2: "bad input or usage: a broken flow or answers file, an unknown name, a file that exists, "
    "no terminal, a file past a size limit or not a regular file",
    70: "a bug in sharewizard (the message says how to report it)",
    130: "interrupted (Ctrl-C, Ctrl-D)",
    129: "stopped by a closed terminal (SIGHUP)",
    143: "stopped by `kill` (SIGTERM)",
}

_ALWAYS = {0: "", 2: "", 70: ""}
_STOPS = {
    130: "your answers so far are saved as a draft",
    129: "your answers so far are saved as a draft",
    143: "your answers so far are saved as a draft",
}
#: Per command: the exit codes it uses, with what each means there ("" for the general meaning).
EXITS: Mapping[str, Mapping[int, str]] = {
    "decide": {**_ALWAYS, **_STOPS},
    "replay": {
        **_ALWAYS,
        1: "an expectation was not met (--check)",
        2: "a file could not be replayed, or bad usage",
        130: "every record written is complete",
        129: "every record written is complete",
        143: "every record written is complete",
    },
    "verify": {
        **_ALWAYS,
        1: "a record failed a check: SIGNED (key not checked), TRAINING, INCOMPLETE, UNSIGNED, "
        "WRONG KEY, INVALID or TAMPERED",
        2: "a file cannot be read as a record (UNREADABLE), or bad usage",
    },
    "lint": {**_ALWAYS, 1: "problems were found (warnings too, with --strict)"},
    "note": {**_ALWAYS, 1: "the record's checksum does not match: no note was made"},
    "register": {
        **_ALWAYS,
        1: "`add` quarantined a file, or `check` found something removed or changed",
    },
    "train": {**_ALWAYS, 130: "stopped; nothing was written"},
}


def exits_of(command: str) -> list[tuple[int, str]]:
    """The exit codes `command` uses, each with its meaning there."""
    used = EXITS.get(command, _ALWAYS)
    return [(code, used[code] or EXIT_CODES[code]) for code in sorted(used)]


#: Per command: the files and folders it reads or writes beyond its arguments.
FILES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "decide": (
        ("~/.local/share/sharewizard/drafts/", "a draft of every walk not yet recorded, "
         "owner-only; deleted once its records are written"),
        ("./sharewizard-FLOW-TIME.json", "the record, unless --out says where (- for "
         "standard output); its answers file beside it, unless --save-answers"),
    ),
    "drafts": (("~/.local/share/sharewizard/drafts/", "the drafts listed, shown and deleted"),),
    "keys": (
        ("DIR/sharewizard-signing.key, DIR/sharewizard-signing.pub", "a new key pair (`new`)"),
        ("~/.local/share/sharewizard/keys/", "the public keys known here (`new`, `add`, `list`)"),
    ),
    "verify": (("~/.local/share/sharewizard/keys/", "the public keys whose signatures it checks "
                "when no --trust is given"),),
    "register": (
        ("~/.local/share/sharewizard/register.sqlite3", "the register, unless --db says where"),
        ("~/.local/share/sharewizard/keys/", "the public keys whose signatures `add` checks "
         "when no --trust is given"),
    ),
    "list": (("~/.cache/sharewizard/", "the checked flows folders, so that they load fast"),),
    "lint": (("../shared/guidance/", "the guidance texts, beside the repository"),),
}  # fmt: skip


def files_of(command: str) -> tuple[tuple[str, str], ...]:
    """The files `command` reads or writes beyond its arguments (the flows cache always)."""
    cache = FILES["list"]
    own = FILES.get(command, ())
    return own if own == cache else (*own, *cache)
