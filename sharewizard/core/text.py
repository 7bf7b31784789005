"""User text made safe: controls out, Markdown neutralised, quoted short."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable

# C0 controls but tab and newline, DEL and C1 controls: ANSI escape sequences start with these.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters that reorder or hide text without showing themselves: bidi embeddings, overrides and
# isolates (the "Trojan Source" trick), zero-width spaces and joiners, the word joiner and BOM.
_INVISIBLE = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Bytes that are not text in the terminal's encoding, read with `surrogateescape` (as Python's
# standard input and prompt_toolkit read them), arrive as lone surrogates.
_UNDECODED = re.compile("[\ud800-\udfff]")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|#~!&{}])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)


#: How much of a value an error message quotes (the README promises at most this).
PREVIEW_CHARS = 80
_SHORT = reprlib.Repr()  # values other than text: a few items of a list, each cut short
_SHORT.maxstring = _SHORT.maxother = 40


def preview(value: object, limit: int = PREVIEW_CHARS) -> str:
    """At most `limit` characters of a value as Python writes it: text quoted, controls escaped.

    Every message that quotes something a user typed or a file holds quotes it through this, so
    no message repeats a whole value (a 20,000-character key, a 9,000-item list).
    """
    if isinstance(value, str):
        return repr(value[:limit]) + ("…" if len(value) > limit else "")
    try:
        shown = _SHORT.repr(value)  # a list shows its first few items, each of them cut short
    except ValueError:  # an int of more digits than Python will write out
        return "a number of thousands of digits"
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def typed_number(reply: str, count: int) -> int | None:
    """The number from 1 to `count` that a typed reply is, or None if it is no such number.

    Only decimal digits make a number (`²` and `①` are digits to `str.isdigit`, yet `int` refuses
    them), and no more digits than `count` has: 4,301 of them are simply not a choice.
    """
    if not reply.isdecimal() or len(reply) > len(str(count)):
        return None
    number = int(reply)
    return number if 1 <= number <= count else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`Did you mean 'how-much'? ` for a name that names nothing, or "" when nothing is close.

    Close by spelling (difflib), or the only names that start with what was typed.
    """
    from difflib import SequenceMatcher

    names = list(options)
    scored = sorted(((SequenceMatcher(None, word, n).ratio(), n) for n in names), reverse=True)
    best = scored[0][0] if scored else 0.0
    close = [name for score, name in scored[:3] if score >= max(0.6, best - 0.05)]
    if not close and len(word) >= 3:
        starting = [name for name in names if name.startswith(word)]
        close = starting if len(starting) <= 3 else []
    if not close:
        return ""
    return f"Did you mean {' or '.join(preview(name) for name in close)}? "


def unknown_name_hint(word: str, names: Iterable[str], kind: str = "Flows") -> str:
    """The hint for an unknown name: `Did you mean 'how-much'? Flows: a, b, c.`."""
    listed = sorted(names)
    return f"{did_you_mean(word, listed)}{kind}: {', '.join(listed)}."


def undecoded(text: str) -> bool:
    """Whether typed text held bytes that are not text (they arrive as lone surrogates).

    Such text can be neither saved nor checksummed, so it is refused where it is typed.
    """
    return not text.isascii() and _UNDECODED.search(text) is not None


def strip_controls(text: str) -> str:
    """Remove terminal control characters (ESC and friends) so text cannot restyle a terminal."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def for_screen(text: str) -> str:
    """Text for a terminal: controls removed, bidi and zero-width characters shown as `<U+202E>`.

    Bytes typed that were not text (lone surrogates) are shown the same way, never written raw.

    On screen a reader must see exactly what was typed; in files (records, answers) the text is
    kept as typed.
    """
    shown = _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", strip_controls(text))
    return _UNDECODED.sub(lambda m: f"<U+{ord(m.group()):04X}>", shown)


def for_screen_line(text: str) -> str:
    r"""`for_screen` for one line of a report: a line break in the text is shown as `\n`."""
    return for_screen(text).replace("\n", "\\n")


def csv_cell(text: str) -> str:
    """Text for a CSV cell: controls out, and a leading = + - or @ made plain text.

    Spreadsheets run a cell that starts with one of those as a formula.
    """
    clean = strip_controls(text)
    return "'" + clean if clean[:1] in ("=", "+", "-", "@") else clean


def md_escape(text: str) -> str:
    """Escape text so Markdown shows it literally: no emphasis, links, HTML, headings or lists."""
    escaped = _MD_INLINE.sub(r"\\\1", strip_controls(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


# What JSON leaves as it is but a terminal acts on (DEL and C1 controls, and `_INVISIBLE`), or
# cannot print (the lone surrogates of a file name that is not UTF-8).
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f\ud800-\udfff]|{_INVISIBLE.pattern}")


def json_for_screen(data: object) -> str:
    """JSON (indented, UTF-8) whose text cannot restyle a terminal or reorder what it shows.

    `json.dumps` escapes C0 controls but leaves DEL, C1 controls (U+009B starts an ANSI escape
    on many terminals) and bidi characters as they are; here they are escaped (U+009B becomes
    the six characters backslash, u, 0, 0, 9, b), the same value to any JSON reader.
    """
    import json

    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
