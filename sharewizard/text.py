"""Making user text safe to show: control characters out, Markdown neutralised."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and C1 controls: ANSI escape sequences start with these.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|#~!&{}])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)


def strip_controls(text: str) -> str:
    """Remove terminal control characters (ESC and friends) so text cannot restyle a terminal."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def md_escape(text: str) -> str:
    """Escape text so Markdown shows it literally: no emphasis, links, HTML, headings or lists."""
    escaped = _MD_INLINE.sub(r"\\\1", strip_controls(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def md_block(text: str, indent: str = "  ") -> str:
    """Escaped text whose later lines are indented, so it stays inside a list item."""
    return md_escape(text).replace("\n", "\n" + indent)
