"""The user's profile: role, organisation and practitioner, offered in every sitting.

Kept in `profile.yaml` in the user's config folder (platformdirs), or `$SHAREWIZARD_CONFIG_DIR`,
owner-only. A sitting takes the role from it (shown at the review as "from your profile", and
changeable there for that sitting) and offers the organisation and practitioner as the record's
defaults. Which fact or record field each value serves is said in the flows (`profile:` in
facts.yaml and record.yaml), not here.
"""

from __future__ import annotations

import os
from pathlib import Path

from sharewizard.core.errors import Location, UsageError
from sharewizard.core.model import Catalogue, Question
from sharewizard.core.text import preview, strip_controls

CONFIG_ENV = "SHAREWIZARD_CONFIG_DIR"
PROFILE_FILE = "profile.yaml"
#: The profile's values, in the order they are shown.
KEYS = ("role", "organisation", "practitioner")
MAX_TEXT = 200


def config_dir() -> Path:
    """The user's config folder for sharewizard (platformdirs), or `$SHAREWIZARD_CONFIG_DIR`."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    import platformdirs

    return platformdirs.user_config_path("sharewizard", appauthor=False)


def profile_path() -> Path:
    """Where the profile is kept."""
    return config_dir() / PROFILE_FILE


def load_profile(path: Path | None = None) -> dict[str, str]:
    """The profile's values (none when there is no profile); a broken file is an error (exit 2)."""
    path = path or profile_path()
    if not path.exists() and not path.is_symlink():
        return {}  # no profile: nothing more is read (`decide` asks its first question at once)
    from sharewizard.flowfiles.yamldoc import read_yaml

    doc = read_yaml(path, UsageError)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise UsageError(
            "a profile must be a mapping of role, organisation, practitioner.", Location(path)
        )
    found: dict[str, str] = {}
    for key, value in data.items():
        if key not in KEYS:
            raise UsageError(
                f"{preview(key)} is not a profile value.",
                doc.locate((key,), key=True),
                f"A profile holds: {', '.join(KEYS)}.",
            )
        if not isinstance(value, str):
            raise UsageError(f"{key} must be text.", doc.locate((key,)))
        if value.strip():
            found[key] = value.strip()
    return found


def role_question(catalogue: Catalogue) -> Question | None:
    """The fact the profile's role answers (`profile: role` in facts.yaml), if there is one."""
    return next(
        (f.question for f in catalogue.facts.facts.values() if f.question.profile == "role"), None
    )


def checked(catalogue: Catalogue, key: str, value: str) -> str:
    """A value to keep in the profile: a role the flows know, or short plain text."""
    text = strip_controls(value).strip()
    where = Location(field=f"--{key}")
    if key == "role" and text:
        question = role_question(catalogue)
        if question is None:
            raise UsageError(
                "these flows ask no role, so a profile role would never be used.", where
            )
        if question.choice(text) is None:
            allowed = "; ".join(f"{c.value} ({c.label})" for c in question.choices)
            raise UsageError(f"{preview(text)} is not a role.", where, f"Roles: {allowed}.")
    if len(text) > MAX_TEXT:
        raise UsageError(f"please keep it to {MAX_TEXT} characters or fewer.", where)
    return text


def save_profile(values: dict[str, str], path: Path | None = None) -> Path:
    """Keep the profile (owner-only, atomically); an empty value is removed from it."""
    import yaml

    from sharewizard.disk.files import make_private_folder, write_private

    path = path or profile_path()
    kept = {k: values[k] for k in KEYS if values.get(k)}
    make_private_folder(path.parent)
    text = "# sharewizard profile: `sharewizard profile` shows it, `profile set` changes it\n"
    text += yaml.safe_dump(kept, sort_keys=False, allow_unicode=True) if kept else ""
    return write_private(path, text, force=True, option="--profile")
