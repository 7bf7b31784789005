"""The rows of `sharewizard list`: one per flow, kept as JSON beside each cached catalogue.

`list` is what scripts and shell completions run: it should cost little more than starting
Python. So its rows are kept beside each checked catalogue in the cache (`catalogue_cache`), and
a known-good flows folder is listed without loading the flows loader or unpickling the catalogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sharewizard.core.model import Catalogue

FlowRow = dict[str, Any]  # the objects of `list --json`


def rows_of(catalogue: Catalogue) -> list[FlowRow]:
    """One row per flow, in FAQ order (flows outside the FAQ first, by id)."""
    flows = sorted(catalogue.flows.values(), key=lambda f: (f.faq.number or 0, f.id))
    return [
        {
            "id": f.id,
            "version": f.version,
            "title": f.title,
            "faq": f.faq.number,
            "faq_question": f.faq.question,
            "path": str(f.path),
        }
        for f in flows
    ]
