"""Making user text safe to show: controls out, invisible characters shown, Markdown neutralised."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and C1 controls: ANSI escape sequences start with these.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters that reorder or hide text without showing themselves: bidi embeddings, overrides and
# isolates (the "Trojan Source" trick), zero-width spaces and joiners, the word joiner and BOM.
_INVISIBLE = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|#~!&{}])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)


def strip_controls(text: str) -> str:
    """Remove terminal control characters (ESC and friends) so text cannot restyle a terminal."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def for_screen(text: str) -> str:
    """Text for a terminal: controls removed, bidi and zero-width characters shown as `<U+202E>`.

    On screen a reader must see exactly what was typed; in files (records, answers) the text is
    kept as typed.
    """
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", strip_controls(text))


def md_escape(text: str) -> str:
    """Escape text so Markdown shows it literally: no emphasis, links, HTML, headings or lists."""
    escaped = _MD_INLINE.sub(r"\\\1", strip_controls(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def md_block(text: str, indent: str = "  ") -> str:
    """Escaped text whose later lines are indented, so it stays inside a list item."""
    return md_escape(text).replace("\n", "\n" + indent)


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
