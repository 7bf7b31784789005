"""YAML and JSON documents with positions (file:line:column), read within size and shape limits."""

from __future__ import annotations

import bisect
import functools
import json
import os
import re
import stat
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import yaml

from sharewizard.core.errors import AnswersError, FlowError, Location, RecordError, SharewizardError
from sharewizard.core.text import preview

JsonPath = tuple[Any, ...]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader where only true/false are booleans, so `yes:` and `no:` stay words.

    Dates stay text too: `when: 2026-11-23` in an answers file is what the person typed.
    """


_WORDS_NOT_VALUES = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _WORDS_NOT_VALUES]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


# --- limits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How big and how deep one document may be; everything past a limit is refused, exit 2.

    `max_size` counts values after following YAML aliases, plus one per 64 characters of text,
    so an alias bomb (a few hundred bytes that expand to gigabytes) is refused while it is
    still being read, long before it is built in memory.
    """

    what: str
    max_bytes: int
    aliases: bool
    max_depth: int = 64
    max_text: int = 20_000
    max_number: int = 30
    max_size: int = 200_000


MB = 1024 * 1024
ANSWERS_LIMITS = Limits("an answers file", 1 * MB, aliases=False)
FLOW_LIMITS = Limits(
    "a flow file", 5 * MB, aliases=True, max_size=1_000_000
)  # 10,000 questions fit
RECORD_LIMITS = Limits("a record", 5 * MB, aliases=False)


def limits_for(kind: type[SharewizardError]) -> Limits:
    """The limits for the kind of file an error class stands for (answers, record or flow)."""
    if issubclass(kind, AnswersError):
        return ANSWERS_LIMITS
    if issubclass(kind, RecordError):
        return RECORD_LIMITS
    return FLOW_LIMITS


_SURROGATE = re.compile("[\ud800-\udfff]")
# Bytes that were not UTF-8, read with `surrogateescape`, become such escapes when written out.
_LONE_SURROGATE = "a text holds a lone surrogate escape (such as \\ud800), which is not a character"


def _size_words(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n:,} bytes"


# --- reading only regular files ------------------------------------------------------------------


def not_regular(mode: int) -> str | None:
    """What a file of this mode is, when it is not a regular file ("is a folder, …"), else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file."
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file; nothing was read."
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file; nothing was read."
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file; nothing was read."
    return "is not a regular file; nothing was read."


def read_regular(path: Path, limits: Limits, kind: type[SharewizardError]) -> bytes:
    """The bytes of a regular file no bigger than the limit; never blocks on a FIFO or device.

    The type is checked before opening, and again on the open descriptor (opened non-blocking)
    in case the name was swapped in between.
    """
    too_big = (
        f"is larger than the {_size_words(limits.max_bytes)} allowed for {limits.what}; "
        "nothing was read."
    )
    try:
        problem = not_regular(os.stat(path).st_mode)
        if problem:
            raise kind(problem, Location(path))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise kind("no such file.", Location(path)) from None
    except OSError as exc:
        raise kind(f"cannot read the file: {exc.strerror}.", Location(path)) from None
    try:
        info = os.fstat(fd)
        problem = not_regular(info.st_mode)
        if problem:
            raise kind(problem, Location(path))
        if info.st_size > limits.max_bytes:
            raise kind(too_big, Location(path))
        chunks: list[bytes] = []
        total = 0
        # The size it has now (and one byte more, to see the end): reading into a megabyte
        # buffer costs a memory mapping per file, which a replay of thousands notices.
        want = info.st_size + 1
        while True:
            chunk = os.read(fd, min(want, MB, limits.max_bytes + 1 - total))
            want = MB
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limits.max_bytes:
                raise kind(too_big, Location(path))
    except OSError as exc:
        raise kind(f"cannot read the file: {exc.strerror}.", Location(path)) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def decode_text(data: bytes, path: Path, kind: type[SharewizardError]) -> str:
    """UTF-8 bytes to text (a leading byte-order mark is dropped); bad bytes are located."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise kind(
            "is not UTF-8 text (a byte there cannot be decoded).",
            Location(path, line, column),
            "Save the file as UTF-8.",
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


# --- documents with positions ------------------------------------------------------------------


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML (or JSON) plus where each value and each key sits in the file."""

    path: Path
    data: Any
    positions: dict[JsonPath, tuple[int, int]]
    key_positions: dict[JsonPath, tuple[int, int]]
    text: str

    def locate(self, path: JsonPath, *, key: bool = False) -> Location:
        """The file location of `path`, or of its nearest located parent."""
        field = format_path(path)
        table = self.key_positions if key else self.positions
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.positions.get(path[:end])
            if found:
                return Location(self.path, found[0], found[1], field or None)
        return Location(self.path, field=field or None)

    def error(
        self,
        path: JsonPath,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        kind: type[SharewizardError] = FlowError,
    ) -> SharewizardError:
        """An error (FlowError unless `kind` says otherwise) located at `path`."""
        return kind(message, self.locate(path, key=key), hint)


def dotted_path(dotted: str) -> JsonPath:
    """`then.0.answers.x` as a JSON path: a part of (at most nine) ASCII digits is a list index.

    The parts are keys from a file, so `²` or 4,301 digits stay keys rather than reach `int`.
    """
    return tuple(
        int(part) if part.isascii() and part.isdigit() and len(part) <= 9 else part
        for part in dotted.split(".")
    )


def format_path(path: JsonPath) -> str:
    """Render a JSON path as `questions[2].next`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _check_text(value: str, where: Location, limits: Limits, kind: type[SharewizardError]) -> None:
    """One text value: not too long, and no lone surrogate (it could never be written out)."""
    if len(value) > limits.max_text:
        raise kind(
            f"a text of {len(value):,} characters; at most {limits.max_text:,} are allowed: "
            f"{preview(value)}.",
            where,
        )
    if not value.isascii() and _SURROGATE.search(value):
        raise kind(f"{_LONE_SURROGATE}: {preview(value)}.", where, "Remove the escape.")


def _too_long_number(
    value: str, where: Location, limits: Limits, kind: type[SharewizardError]
) -> SharewizardError:
    return kind(
        f"a number of {len(value):,} characters; at most {limits.max_number} are allowed: "
        f"{preview(value)}.",
        where,
    )


def _too_deep(where: Location, limits: Limits, kind: type[SharewizardError]) -> SharewizardError:
    return kind(
        f"nested more than {limits.max_depth} levels deep.",
        where,
        "No sharewizard file needs that many levels; check the brackets and indentation.",
    )


def _too_large(where: Location, limits: Limits, kind: type[SharewizardError]) -> SharewizardError:
    return kind(
        f"too large: more than {limits.max_size:,} values"
        + (" once its aliases (*name) are expanded" if limits.aliases else "")
        + "; nothing was built.",
        where,
        "Share text with fewer aliases, or split the file.",
    )


def _tagged(
    tag: str, where: Location, limits: Limits, kind: type[SharewizardError]
) -> SharewizardError:
    shown = tag.replace("tag:yaml.org,2002:", "!!", 1)
    return kind(
        f"the YAML tag {preview(shown, 40)} is not allowed in {limits.what}.",
        where,
        "Remove the tag and write the value plainly (in quotes if it is text).",
    )


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _check_events(
    text: str, path: Path, kind: type[SharewizardError], limits: Limits
) -> _Builder | None:
    """Walk the YAML event stream once, refusing what is past the limits before building it.

    No value may carry an explicit tag (`!!int`, `!!timestamp`, `!!binary`, `!foo`): PyYAML's
    constructors for them take no limits and fail in ways no check here foresees, and no
    sharewizard file needs one, so every number is read as written, under `max_number`.
    Sizes of anchored values are remembered, so an alias adds the size it would expand to
    without being expanded; an alias to a value still being read (a cycle) is refused.
    A plain document (see `_Builder`) of a kind that may hold no aliases is built on the way
    and returned; None means it must be composed and constructed as usual (which also reports
    a syntax error, with its position).
    """
    loader = _Loader(text)
    stack: list[tuple[str | None, int]] = []  # open collections: (anchor, size so far)
    sizes: dict[str, int] = {}
    # Files that may not hold aliases (answers files, read by the thousand in a replay) are built
    # on the way; flows, which may, are composed as before (and are cached once checked).
    built = None if limits.aliases else _Builder(loader)

    def at(event: Any) -> Location:
        return Location(path, event.start_mark.line + 1, event.start_mark.column + 1)

    def add(size: int, event: Any) -> None:
        if stack:
            anchor, so_far = stack[-1]
            stack[-1] = (anchor, so_far + size)
            size = so_far + size
        if size > limits.max_size:
            raise _too_large(at(event), limits, kind)

    try:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            if getattr(event, "tag", None) is not None:
                raise _tagged(event.tag, at(event), limits, kind)
            if built is not None and built.plain:
                built.take(event)
            if isinstance(event, yaml.AliasEvent):
                if not limits.aliases:
                    raise kind(
                        f"YAML aliases (*{event.anchor}) are not allowed in {limits.what}.",
                        at(event),
                        "Write the value out in full.",
                    )
                if any(anchor == event.anchor for anchor, _ in stack):
                    raise kind(
                        f"the alias *{event.anchor} refers to a value that contains it.",
                        at(event),
                        "A value cannot contain itself.",
                    )
                if event.anchor not in sizes:
                    raise kind(f"the alias *{event.anchor} names no anchor before it.", at(event))
                add(sizes[event.anchor], event)
            elif isinstance(event, yaml.ScalarEvent):
                value = event.value
                if len(value) > limits.max_text or not value.isascii():  # else nothing to see
                    _check_text(value, at(event), limits, kind)
                if (
                    len(event.value) > limits.max_number
                    and event.implicit[0]
                    and loader.resolve(yaml.ScalarNode, event.value, (True, False)) in _NUMBER_TAGS
                ):
                    raise _too_long_number(event.value, at(event), limits, kind)
                size = 1 + len(event.value) // 64
                if event.anchor:
                    sizes[event.anchor] = size
                add(size, event)
            elif isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= limits.max_depth:
                    raise _too_deep(at(event), limits, kind)
                stack.append((event.anchor, 1))
            elif isinstance(event, yaml.CollectionEndEvent) and stack:
                anchor, size = stack.pop()
                if anchor:
                    sizes[anchor] = size
                add(size, event)
    except yaml.YAMLError:
        return None  # a syntax error: parse_yaml reports it with its position
    finally:
        loader.dispose()
    return built if built is not None and built.plain else None


_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = (
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
)
_NOTHING: Any = object()


@functools.lru_cache(maxsize=4096)
def _short_scalar_tag(value: str, implicit: tuple[bool, bool]) -> str:
    """`_Loader.resolve` for a scalar (its tables never change, so neither does the answer)."""
    return str(_TAGS.resolve(yaml.ScalarNode, value, implicit))  # type: ignore[no-untyped-call]


class _Tags(yaml.resolver.BaseResolver):
    """The tag resolution of `_Loader`, without a parser."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


_TAGS = _Tags()


class _Frame:
    """A mapping or sequence being built: its value, its path, and a key waiting for its value."""

    __slots__ = ("value", "path", "key", "raw_key", "seen")

    def __init__(self, value: Any, path: JsonPath) -> None:
        self.value = value
        self.path = path
        self.key: Any = _NOTHING
        self.raw_key = ""
        self.seen: set[str] = set()


class _Builder:
    """Builds a plain document from its events, as composing and constructing it would.

    Plain: one document of mappings, sequences and untagged scalars resolving to text,
    numbers, booleans or null, with scalar keys given once each. Anything else (a tag, an
    alias, a merge key `<<`, a repeated key, a second document) clears `plain`, and the
    document is composed and constructed as before, which builds it or says what is wrong.
    Positions are keyed as `_index_nodes` keys them: by each key's text as written.
    """

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.plain = True
        self.data: Any = None
        self.values: dict[JsonPath, tuple[int, int]] = {}
        self.keys: dict[JsonPath, tuple[int, int]] = {}
        self.frames: list[_Frame] = []
        self.documents = 0

    def take(self, event: Any) -> None:
        """Add one event to the document (once not plain, nothing more is done)."""
        try:
            self._take(event)
        except Exception:  # whatever the constructors would make of it, they say it best
            self.plain = False

    def _take(self, event: Any) -> None:
        kind = type(event)
        if getattr(event, "anchor", None) is not None:
            self.plain = False  # anchors are for aliases (and a repeated one is an error)
            return
        if kind is yaml.ScalarEvent:
            if event.tag is not None:
                self.plain = False
                return
            tag = self.resolve(event.value, event.implicit)
            if tag == _STR:
                value: Any = event.value
            elif tag in _PLAIN_TAGS:
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
                value = self.loader.yaml_constructors[tag](self.loader, node)
            else:
                self.plain = False
                return
            self._place(value, event, event.value)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.tag is not None:
                self.plain = False
                return
            value = {} if kind is yaml.MappingStartEvent else []
            path = self._place(value, event, None)
            if self.plain:
                self.frames.append(_Frame(value, path))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.frames.pop()
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            self.plain = self.documents == 1
        elif kind is yaml.AliasEvent:
            self.plain = False

    def resolve(self, value: str, implicit: tuple[bool, bool]) -> str:
        """The tag the composer would give an untagged scalar (remembered for short ones)."""
        if len(value) <= 32:  # answers such as `yes` and `not-sure` come back again and again
            return _short_scalar_tag(value, implicit)
        return str(self.loader.resolve(yaml.ScalarNode, value, implicit))

    def _place(self, value: Any, event: Any, raw: str | None) -> JsonPath:
        """Put a value where the document is at; return its path."""
        mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        if not self.frames:
            self.data = value
            self.values[()] = mark
            return ()
        frame = self.frames[-1]
        if type(frame.value) is list:
            path = (*frame.path, len(frame.value))
            frame.value.append(value)
        elif frame.key is _NOTHING:  # a key
            if raw is None or raw in frame.seen:
                self.plain = False  # a mapping or list as a key, or a key given twice
                return ()
            frame.seen.add(raw)
            frame.key, frame.raw_key = value, raw
            self.keys[(*frame.path, raw)] = mark
            return ()
        else:
            path = (*frame.path, frame.raw_key)
            frame.value[frame.key] = value
            frame.key = _NOTHING
        self.values[path] = mark
        return path


def _index_nodes(
    node: yaml.Node,
    path: JsonPath,
    doc_path: Path,
    values: dict[JsonPath, tuple[int, int]],
    keys: dict[JsonPath, tuple[int, int]],
    kind: type[SharewizardError],
    duplicates: list[SharewizardError] | None = None,
) -> None:
    """Record positions of every node; a key given twice is raised, or added to `duplicates`."""
    values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                line, col = _mark(key_node)
                error = kind(
                    f"duplicate key {preview(str(key))} (first given at line {seen[key][0]}).",
                    Location(doc_path, line, col, format_path(path + (key,))),
                    "Remove one of them: YAML would silently keep only the last.",
                )
                if duplicates is None:
                    raise error
                duplicates.append(error)
            seen[key] = _mark(key_node)
            keys[path + (key,)] = _mark(key_node)
            _index_nodes(value_node, path + (key,), doc_path, values, keys, kind, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_nodes(item, path + (index,), doc_path, values, keys, kind, duplicates)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse_yaml(
    text: str,
    path: Path,
    kind: type[SharewizardError] = FlowError,
    limits: Limits | None = None,
    *,
    duplicates: list[SharewizardError] | None = None,
) -> YamlDocument:
    """Parse YAML text safely within `limits`, keeping positions; errors name line and column.

    A key given twice is an error, unless `duplicates` is a list: then each is added to it and
    the last value is kept (so `lint` can report them all).
    """
    limits = limits or limits_for(kind)
    built = _check_events(text, path, kind, limits)
    if built is not None:
        return YamlDocument(path, built.data, built.values, built.keys, text)
    return _composed(text, path, kind, duplicates)


def _composed(
    text: str,
    path: Path,
    kind: type[SharewizardError],
    duplicates: list[SharewizardError] | None = None,
) -> YamlDocument:
    """Compose and construct a document already checked against the limits, with positions."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problem = exc.problem or exc.context or "not valid YAML"
        if "invalid Unicode character escape" in problem:  # PyYAML's words for `"\\udca3"`
            raise kind(f"{_LONE_SURROGATE}.", where, "Remove the escape.") from None
        if exc.context and exc.context_mark and exc.problem:
            cm = exc.context_mark
            problem = f"{exc.context} (line {cm.line + 1}, column {cm.column + 1}): {exc.problem}"
        raise kind(
            f"not valid YAML: {problem}.", where, "Check the indentation and quoting there."
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        before = text[: exc.position]
        where = Location(path, before.count("\n") + 1, len(before) - before.rfind("\n"))
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise kind(
            f"not valid YAML: the control character U+{code:04X} is not allowed.",
            where,
            "Remove it, or write it as an escape inside double quotes.",
        ) from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise kind(f"not valid YAML: {problem}.", Location(path)) from None
    except (RecursionError, ValueError, OverflowError) as exc:  # past the checks: still no crash
        raise kind(f"cannot be read: {type(exc).__name__}.", Location(path)) from None
    finally:
        loader.dispose()
    values: dict[JsonPath, tuple[int, int]] = {}
    keys: dict[JsonPath, tuple[int, int]] = {}
    if node is not None:
        _index_nodes(node, (), path, values, keys, kind, duplicates)
    return YamlDocument(path, data, values, keys, text)


# --- JSON -------------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
_LITERALS = ("true", "false", "null")


class _JsonPositions:
    """Positions of every value of a JSON text already known to be valid, checking limits."""

    def __init__(
        self, text: str, path: Path, kind: type[SharewizardError], limits: Limits, first_line: int
    ) -> None:
        self.text = text
        self.path = path
        self.kind = kind
        self.limits = limits
        self.first_line = first_line
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.values: dict[JsonPath, tuple[int, int]] = {}
        self.keys: dict[JsonPath, tuple[int, int]] = {}
        self.size = 0

    def mark(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, index) - 1
        return line + self.first_line, index - self.line_starts[line] + 1

    def where(self, index: int, path: JsonPath) -> Location:
        line, column = self.mark(index)
        return Location(self.path, line, column, format_path(path) or None)

    def skip(self, index: int) -> int:
        match = _SPACE.match(self.text, index)
        return match.end() if match else index

    def count(self, size: int, index: int, path: JsonPath) -> None:
        self.size += size
        if self.size > self.limits.max_size:
            raise _too_large(self.where(index, path), self.limits, self.kind)

    def value(self, index: int, path: JsonPath, depth: int) -> int:
        """Index past the value starting at `index` (after any whitespace)."""
        index = self.skip(index)
        self.values[path] = self.mark(index)
        char = self.text[index]
        if char in "{[":
            if depth >= self.limits.max_depth:
                raise _too_deep(self.where(index, path), self.limits, self.kind)
            self.count(1, index, path)
            return (self.mapping if char == "{" else self.sequence)(index + 1, path, depth + 1)
        if char == '"':
            text, end = scanstring(self.text, index + 1, True)
            _check_text(text, self.where(index, path), self.limits, self.kind)
            self.count(1 + len(text) // 64, index, path)
            return int(end)
        for literal in _LITERALS:
            if self.text.startswith(literal, index):
                self.count(1, index, path)
                return index + len(literal)
        match = _NUMBER.match(self.text, index)
        if not match:  # NaN, Infinity, -Infinity: Python's parser takes them, JSON does not
            raise self.kind(
                "not valid JSON: NaN and Infinity are not JSON numbers.",
                self.where(index, path),
            )
        if len(match.group()) > self.limits.max_number:
            raise _too_long_number(match.group(), self.where(index, path), self.limits, self.kind)
        self.count(1, index, path)
        return match.end()

    def mapping(self, index: int, path: JsonPath, depth: int) -> int:
        index = self.skip(index)
        seen: set[str] = set()
        while self.text[index] != "}":
            key_at = index
            key, index = scanstring(self.text, index + 1, True)
            _check_text(key, self.where(key_at, path), self.limits, self.kind)
            if key in seen:
                raise self.kind(
                    f"duplicate key {preview(key)}.",
                    self.where(key_at, path + (key,)),
                    "Remove one of them: only the last would be kept.",
                )
            seen.add(key)
            self.keys[path + (key,)] = self.mark(key_at)
            index = self.skip(self.skip(index) + 1)  # past the colon
            index = self.skip(self.value(index, path + (key,), depth))
            if self.text[index] == ",":
                index = self.skip(index + 1)
        return index + 1

    def sequence(self, index: int, path: JsonPath, depth: int) -> int:
        index = self.skip(index)
        position = 0
        while self.text[index] != "]":
            index = self.skip(self.value(index, path + (position,), depth))
            position += 1
            if self.text[index] == ",":
                index = self.skip(index + 1)
        return index + 1


def parse_json(
    text: str,
    path: Path,
    kind: type[SharewizardError] = FlowError,
    limits: Limits | None = None,
    *,
    first_line: int = 1,
) -> YamlDocument:
    """Parse strict JSON within `limits`; errors take line and column from the JSON parser.

    Trailing commas, comments, NaN and duplicate keys are refused. `first_line` is the line the
    text starts on in its file (JSON embedded in a Markdown record).
    """
    limits = limits or limits_for(kind)
    try:
        data = json.loads(
            text,
            parse_int=lambda s: int(s) if len(s) <= limits.max_number else 0,
            parse_constant=lambda s: None,  # refused with its position below
        )
    except json.JSONDecodeError as exc:
        raise kind(
            f"not valid JSON: {exc.msg}.",
            Location(path, exc.lineno + first_line - 1, exc.colno),
            "Check the brackets, quotes and commas there (JSON allows no trailing comma).",
        ) from None
    except RecursionError:
        raise _too_deep(Location(path), limits, kind) from None
    except ValueError as exc:
        raise kind(f"not valid JSON: {exc}.", Location(path)) from None
    walker = _JsonPositions(text, path, kind, limits, first_line)
    walker.value(0, (), 0)
    return YamlDocument(path, data, walker.values, walker.keys, text)


def read_yaml(
    path: Path,
    kind: type[SharewizardError] = FlowError,
    limits: Limits | None = None,
    *,
    duplicates: list[SharewizardError] | None = None,
) -> YamlDocument:
    """Read and parse a YAML file (JSON when it ends in `.json`) within the limits for `kind`.

    This is the one reader of YAML files; `duplicates` is as for `parse_yaml` (YAML only: JSON
    keys given twice are always an error).
    """
    limits = limits or limits_for(kind)
    text = decode_text(read_regular(path, limits, kind), path, kind)
    if path.suffix.lower() == ".json":
        return parse_json(text, path, kind, limits)
    return parse_yaml(text, path, kind, limits, duplicates=duplicates)
