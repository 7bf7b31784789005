"""The lists a trainer chooses from: the case studies (`cases`), and `train`'s chooser."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from sharewizard.core.model import Catalogue
from sharewizard.train.room import Case, faq_numbers
from sharewizard.train.screens import said_line
from sharewizard.walk.summary import height_of, plain


def cases_list(catalogue: Catalogue, found: list[Case], *, spoilers: bool = False) -> Group:
    """`cases`: a row a case, with nothing that gives the answers away.

    With `spoilers`, a block a case: its flows, whether it is a trap, and its teaching point.
    """
    if not found:
        return Group(Text("No case studies found."))
    if spoilers:
        return Group(*(_case_block(catalogue, case) for case in found))
    table = Table(show_edge=False)
    table.add_column("Case", no_wrap=True)
    table.add_column("FAQ", justify="right")
    table.add_column("Title")
    for case in found:
        table.add_row(plain(case.id), _faq(catalogue, case), plain(case.title))
    return Group(table)


def _faq(catalogue: Catalogue, case: Case) -> str:
    return ", ".join(str(n) for n in faq_numbers(catalogue, case)) or "–"


def _case_block(catalogue: Catalogue, case: Case) -> Group:
    """One block per case rather than a table: ids are long, and the teaching point needs room."""
    head = Text.assemble(
        (plain(case.id).plain, "bold cyan"),
        ("  ·  ", "dim"),
        plain(" → ".join(case.flows)),
        ("  ·  ", "dim"),
        f"FAQ {_faq(catalogue, case)}",
        *([("  ·  trap", "yellow")] if case.trap else []),
    )
    return Group(
        head,
        Padding(Text(plain(case.title).plain, style="bold"), (0, 0, 0, 2)),
        Padding(plain(case.teaching_point), (0, 0, 1, 2)),
    )


def chooser_screen(
    options: list[tuple[str, str]], rows: list[int], said: str = "", more: int = 0
) -> RenderableType:
    """The list to choose a case or a flow from: `rows` (indexes into `options`).

    Each row keeps its number in the whole list; `more` rows are left for the next page.
    """
    table = Table(show_edge=False, title="Choose a case study or a flow", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Case or flow", no_wrap=True)
    table.add_column("Title")
    for index in rows:
        name, title = options[index]
        table.add_row(str(index + 1), plain(name), plain(title))
    notes = [Text(f"{more} more: Enter shows them.", style="dim")] if more else []
    return Group(table, *notes, *said_line(said))


def chooser_page(
    options: list[tuple[str, str]], rows: list[int], size: tuple[int, int] | None, said: str = ""
) -> list[int]:
    """The first of `rows` that fit a screen of `size` (width, height), the prompt under them.

    Without a size, all of them; always at least one.
    """
    if size is None:
        return rows
    width, height = size
    count = 1
    while count < len(rows):
        if height_of(chooser_screen(options, rows[: count + 1], said, 1), width) >= height - 1:
            break
        count += 1
    return rows[:count]
