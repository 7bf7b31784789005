"""Root options a person may give after the command too (`sharewizard decide --plain`).

Click reads a group's options only before the command (`sharewizard --plain decide`), yet people
type them after it (`sharewizard decide --plain`). So each command is also given a hidden copy
of every root option the root group names in `anywhere`; a copy's value is handed to the root
group (`LazyGroup.given_after`), which parsed its own options and ran its callback first.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any


def _anywhere(param: Any) -> bool:
    return bool(getattr(param, "from_root", False))


def anywhere_line(command: Any, formatter: Any) -> None:
    """The end of a command's `--help`: the root options it also takes, those shown at the root."""
    names = [
        param.opts[0] + ("" if param.is_flag else f" {param.metavar}")
        for param in command.params
        if _anywhere(param) and param.from_root == "shown"
    ]
    if names:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(
                f"Global options, here or before the command: {', '.join(names)} (see "
                "`sharewizard --help`)."
            )


def take_root_options(
    command: Any, options: list[Any], given: Callable[[Any, str, Any], None]
) -> None:
    """Let `command` (and its subcommands) take the root `options` too: `given` hears of each."""
    if any(_anywhere(p) for p in command.params):
        return

    def hand_over(ctx: Any, param: Any, value: Any) -> None:
        given(ctx, param.name, value)

    for option in options:
        late = copy.copy(option)
        late.hidden, late.envvar, late.expose_value = True, None, False
        if not option.is_eager:  # an eager one (`--version`) acts at once, as at the root
            late.callback = hand_over
        late.from_root = "hidden" if option.hidden else "shown"
        command.params.append(late)
    for sub in (getattr(command, "commands", None) or {}).values():
        take_root_options(sub, options, given)
