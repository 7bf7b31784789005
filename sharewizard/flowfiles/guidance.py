"""The local guidance texts: where they are, how quotes are compared, the nearest passage."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from sharewizard.core.errors import Location, UsageError

GUIDANCE_ENV = "SHAREWIZARD_GUIDANCE"

# Quotes are compared ignoring whitespace and straight-versus-typographic quotes, apostrophes and
# dashes only: the same normalisation the content tests use.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
    }
)


def normalise(text: str) -> str:
    """Ignore whitespace and straight-vs-typographic quotes, apostrophes and dashes only."""
    return " ".join(text.translate(_TYPOGRAPHY).split())


def find_guidance(given: Path | None = None, repo: Path | None = None) -> Path | None:
    """The guidance folder: --guidance, $SHAREWIZARD_GUIDANCE, or ../shared/guidance.

    The last is looked for beside `repo`; without one, beside the repository the command runs
    in (the nearest folder holding `.git` or `pyproject.toml`, from the current folder up),
    then beside the source checkout sharewizard runs from (an install in place). None when
    none of them exists. A folder named on purpose (option or environment) that does not exist
    is a usage error.
    """
    named = given or (Path(os.environ[GUIDANCE_ENV]) if os.environ.get(GUIDANCE_ENV) else None)
    if named is not None:
        if not named.is_dir():
            raise UsageError(
                "no such guidance folder.",
                Location(named),
                f"Pass --guidance DIR or set {GUIDANCE_ENV} to the folder holding the texts.",
            )
        return named
    source_checkout = Path(__file__).resolve().parents[2]  # a clone installed in place
    for base in [repo] if repo else [_repository_of(Path.cwd()), source_checkout]:
        if base is not None and (base.parent / "shared" / "guidance").is_dir():
            return base.parent / "shared" / "guidance"
    return None


def _repository_of(folder: Path) -> Path | None:
    """The repository `folder` is in: itself or the nearest parent with `.git` or a pyproject."""
    for here in [folder, *folder.parents]:
        if (here / ".git").exists() or (here / "pyproject.toml").is_file():
            return here
    return None


@dataclass(frozen=True)
class GuidanceText:
    """One source's local text, normalised once for quote checks."""

    path: Path
    text: str

    @classmethod
    def read(cls, path: Path) -> GuidanceText:
        """Read and normalise a guidance text file."""
        return cls(path, normalise(path.read_text(encoding="utf-8")))

    def contains(self, quote: str) -> bool:
        """Whether the quote is word for word in the text (after normalisation)."""
        return normalise(quote) in self.text

    def nearest(self, quote: str) -> str:
        """The passage of the text most like the quote, as long as the quote, for a hint."""
        wanted = normalise(quote)
        words = self.text.split(" ")
        size = max(1, len(wanted.split(" ")))
        best, best_score = "", -1.0
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(wanted)
        step = max(1, size // 4)
        for start in range(0, max(1, len(words) - size + 1), step):
            passage = " ".join(words[start : start + size])
            matcher.set_seq1(passage)
            if matcher.real_quick_ratio() <= best_score or matcher.quick_ratio() <= best_score:
                continue
            score = matcher.ratio()
            if score > best_score:
                best, best_score = passage, score
        return best
