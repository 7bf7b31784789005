"""The `verify` and `keys new` commands (registered on the main app by `register`)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from sharewizard.errors import ExitStatus

keys_app = typer.Typer(
    help="Organisation signing keys (Ed25519) for signed records.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def verify(
    records: list[Path] = typer.Argument(
        ..., metavar="RECORD...", help="Decision records (.json or .md)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one machine-readable report."),
    allow_incomplete: bool = typer.Option(
        False,
        "--allow-incomplete",
        help="Pass records that leave out fields the guidance asks for (still reported).",
    ),
    trust: list[Path] = typer.Option(
        [],
        "--trust",
        metavar="PUBKEY",
        help="A public key file (.pub from `keys new`) whose signatures are trusted; repeat for "
        "several. With it, unsigned records and records signed by other keys fail.",
    ),
) -> None:
    """Check records: schema, checksum, signature (with --trust) and completeness.

    Each file gets one line: OK, INCOMPLETE, UNSIGNED, WRONG KEY, INVALID, TAMPERED or
    UNREADABLE. Exit 0 if all are OK, 2 if any file cannot be read, else 1.
    """
    from sharewizard.signing import load_public_key
    from sharewizard.verify import exit_status as worst_exit
    from sharewizard.verify import report_json, report_line, summary_line, verify_files

    trusted = [load_public_key(path) for path in trust]
    verdicts = verify_files(records, trusted=trusted, allow_incomplete=allow_incomplete)
    if as_json:
        typer.echo(json.dumps(report_json(verdicts), indent=2))
    else:
        for verdict in verdicts:
            typer.echo(report_line(verdict))
        if len(verdicts) > 1:
            typer.echo(summary_line(verdicts))
    status = worst_exit(verdicts)
    if status != ExitStatus.OK:
        raise typer.Exit(status)


@keys_app.command("new")
def keys_new(
    directory: Path = typer.Argument(..., metavar="DIR", help="Folder for the key pair."),
) -> None:
    """Write a new signing key pair into DIR: the private key (mode 600) and the public key.

    Keep the private key where only the people and machines that sign records can read it;
    give the public key to whoever checks records (`sharewizard verify --trust KEY.pub`).
    Existing keys are never replaced.
    """
    from sharewizard.signing import fingerprint, load_public_key, new_key_pair

    private_path, public_path = new_key_pair(directory)
    key = load_public_key(public_path)
    typer.echo(f"Private key (keep it secret; sign with --sign-key): {private_path}")
    typer.echo(f"Public key (give it to checkers; verify --trust): {public_path}")
    typer.echo(f"Fingerprint: {fingerprint(key.key)}")


def register(app: typer.Typer) -> None:
    """Add `verify` and `keys` to the main app."""
    app.command("verify")(verify)
    app.add_typer(keys_app, name="keys")
