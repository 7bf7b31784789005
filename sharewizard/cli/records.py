"""The record commands: `note` (a case note from a record), `verify` and `keys`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sharewizard.cli._typer import HelpCommand, command_app, group_app
from sharewizard.cli.options import ForceOption, JsonOption, command, env_of
from sharewizard.walk.console import Env

app = command_app()
keys_app = group_app(
    "Signing keys: make a key pair, register and list public keys.\n\n"
    "Records signed with an organisation's private key (Ed25519) show who made them; `verify` "
    "checks the signatures of the public keys registered here.\n\n"
    "Example: sharewizard keys new ~/.sharewizard-keys",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")


def _say(env: Env, line: str) -> None:
    """One line on standard output, escaped where its encoding cannot show a character."""
    encoding = getattr(env.stdout, "encoding", None) or "utf-8"
    try:
        shown = line.encode(encoding, errors="backslashreplace").decode(encoding)
    except LookupError:  # an encoding Python does not know: ASCII is safe everywhere
        shown = line.encode("ascii", errors="backslashreplace").decode("ascii")
    env.out().print(shown, markup=False, soft_wrap=True, highlight=False)


@app.command(cls=HelpCommand)
@command
def note(
    ctx: typer.Context,
    record: Annotated[Path, typer.Argument(metavar="RECORD", help="A JSON or Markdown record.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="PATH", help="Write the note to PATH (- for standard output)."
        ),
    ] = None,
    force: ForceOption = False,
) -> int:
    """Turn a record into a plain-text case note for your agency's own recording system.

    Example: sharewizard note decision.json > note.txt
    """
    from sharewizard.core.errors import Location, TamperedRecord
    from sharewizard.core.text import for_screen
    from sharewizard.disk.files import is_standard_output, write_private
    from sharewizard.records.record import load_valid_record, verify
    from sharewizard.records.render import to_text

    loaded = load_valid_record(record)
    if not verify(loaded):
        raise TamperedRecord(
            "the checksum does not match: the record was changed after it was written, so no "
            "case note was made from it.",
            Location(record),
            "Check it with `verify`, and make the note from the original.",
        )
    text = to_text(loaded)
    if out is None:
        typer.echo(for_screen(text), nl=False)  # bidi overrides shown, as in every summary
    else:
        write_private(out, text, force=force)  # `-`: the note as a file holds it, on stdout
        if not is_standard_output(out):
            env_of(ctx).err().print(f"Case note written to {out}", markup=False, soft_wrap=True)
    return 0


@app.command("verify", cls=HelpCommand)
@command
def verify(
    ctx: typer.Context,
    records: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Records (.json or .md), folders (searched for them), or - to read paths "
            "from stdin, one a line.",
        ),
    ],
    as_json: JsonOption = False,
    allow_incomplete: Annotated[
        bool,
        typer.Option(
            "--allow-incomplete",
            help="Pass records that leave out fields the guidance asks for (still reported).",
        ),
    ] = False,
    allow_training: Annotated[
        bool,
        typer.Option(
            "--allow-training",
            help="Pass records made in training (`train --record`), which are not real decisions.",
        ),
    ] = False,
    allow_unchecked: Annotated[
        bool,
        typer.Option(
            "--allow-unchecked",
            help="Pass records signed by a key that is not known here (still reported as "
            "SIGNED (key not checked)).",
        ),
    ] = False,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            metavar="PUBKEY",
            help="A public key (.pub from `keys new`) whose signatures are trusted; repeat for "
            "several. With it, only these keys count: unsigned records and records signed by "
            "other keys fail. Without it, the keys `keys list` shows are checked.",
        ),
    ] = None,
) -> int:
    """Check records: schema, checksum, completeness and signature.

    One line per file: OK, SIGNED (key not checked), TRAINING, INCOMPLETE, UNSIGNED, WRONG KEY,
    INVALID, TAMPERED or UNREADABLE. A signature is checked against --trust keys, else against
    the keys known here (`keys add`, `keys new`).
    Exit 0 if all pass, 2 if any file cannot be read as a record, else 1.

    Example: sharewizard verify --trust org.pub records/
    """
    from sharewizard.records.keyring import known_keys
    from sharewizard.records.signing import load_public_key
    from sharewizard.records.verify import (
        exit_status,
        record_files,
        report_json,
        report_line,
        summary_line,
        verify_files,
    )

    env = env_of(ctx)
    trusted = [load_public_key(path) for path in trust or ()]
    verdicts = verify_files(
        record_files(records, env.stdin),
        trusted=trusted,
        known=[] if trusted else known_keys(),
        allow_incomplete=allow_incomplete,
        allow_training=allow_training,
        allow_unchecked=allow_unchecked,
    )
    if as_json:
        env.stdout.write(json.dumps(report_json(verdicts), indent=2) + "\n")
    else:
        for verdict in verdicts:
            _say(env, report_line(verdict))
        if len(verdicts) != 1:
            _say(env, summary_line(verdicts))
    return exit_status(verdicts)


NameOption = Annotated[
    str | None,
    typer.Option(
        "--name",
        metavar="NAME",
        help="The name the key is known by here (letters, digits, . _ -); default: "
        "key- and the start of its fingerprint.",
    ),
]


@keys_app.command("new", cls=HelpCommand)
@command
def keys_new(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder for the key pair.")],
    name: NameOption = None,
) -> int:
    """Write a new signing key pair into DIR: the private key (mode 600) and the public key.

    Keep the private key where only the people and machines that sign records can read it;
    give the public key to whoever checks records. Existing keys are never replaced. The public
    key is also registered here (as `keys add` does), so `verify` checks its signatures.

    Example: sharewizard keys new ~/.sharewizard-keys --name head-office
    """
    from sharewizard.records.keyring import add_key, free_name
    from sharewizard.records.signing import new_key_pair

    if name is not None:
        free_name(name)  # before any key is made
    private_path, public_path = new_key_pair(directory)
    known, _ = add_key(public_path, name)
    env = env_of(ctx)
    _say(env, f"Private key (keep it secret; sign with --sign-key): {private_path}")
    _say(env, f"Public key (give it to checkers; verify --trust): {public_path}")
    _say(env, f"Fingerprint: {known.trusted.fingerprint}")
    _say(env, f"Known here as {known.name}: `verify` checks its signatures (`keys list`).")
    return 0


@keys_app.command("add", cls=HelpCommand)
@command
def keys_add(
    ctx: typer.Context,
    public_key: Annotated[Path, typer.Argument(metavar="KEY.pub", help="A public key file.")],
    name: NameOption = None,
) -> int:
    """Register a public key, so that `verify` checks the signatures it made.

    Example: sharewizard keys add head-office.pub --name head-office
    """
    from sharewizard.records.keyring import add_key

    known, new = add_key(public_key, name)
    said = "Known here as" if new else "Already known here as"
    _say(env_of(ctx), f"{said} {known.name}: {known.trusted.fingerprint}")
    return 0


@keys_app.command("list", cls=HelpCommand)
@command
def keys_list(ctx: typer.Context, as_json: JsonOption = False) -> int:
    """List the public keys known here: name and fingerprint.

    Example: sharewizard keys list
    """
    from sharewizard.records.keyring import keys_dir, known_keys

    env = env_of(ctx)
    found = known_keys()
    if as_json:
        rows = [{"name": k.name, "fingerprint": k.trusted.fingerprint} for k in found]
        env.stdout.write(json.dumps(rows, indent=2) + "\n")
    elif not found:
        env.err().print(f"No keys known here (none in {keys_dir()}).", markup=False)
    for known in [] if as_json else found:
        _say(env, f"{known.name}  {known.trusted.fingerprint}")
    return 0
