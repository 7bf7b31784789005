"""A fast accept check compiled from a JSON Schema: True only for data the schema certainly accepts.

`jsonschema` builds a validator context for every keyword of every value, which costs more than
reading a small answers file. Most files are valid, so `compile_accept(schema)` turns a schema into
plain Python closures that say "certainly valid" (True) or "not sure" (False); only then does the
caller run `jsonschema` as before, for its error message. Exact by construction: each keyword is
checked as `jsonschema` checks it, or more strictly, and a schema using any keyword not listed in
`_KEYWORDS` compiles to None (no fast path at all).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Keywords that only annotate: they never make a value invalid.
_ANNOTATIONS = frozenset(
    ("$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples")
)

# The JSON types of a value, as jsonschema's Draft 2020-12 type checker sees them. Values of
# other Python types (bytes, sets, dates from explicit YAML tags) get no fast answer.
_TYPES_OF: dict[type, frozenset[str]] = {
    dict: frozenset(("object",)),
    list: frozenset(("array",)),
    str: frozenset(("string",)),
    bool: frozenset(("boolean",)),
    int: frozenset(("integer", "number")),
    type(None): frozenset(("null",)),
}
_FLOAT = frozenset(("number",))
_WHOLE_FLOAT = frozenset(("number", "integer"))
_SCALARS = (str, bool, int, float, type(None))
_PLAIN = frozenset((dict, list, *_SCALARS))


class _Unsupported(Exception):
    """The schema uses something the fast check does not know: no fast path for it."""


def json_types(value: Any) -> frozenset[str] | None:
    """The JSON Schema types `value` has, or None when it is not a plain JSON value."""
    kind = type(value)
    if kind is float:
        return _WHOLE_FLOAT if value.is_integer() else _FLOAT
    return _TYPES_OF.get(kind)


def compile_accept(schema: Any) -> Check | None:
    """A predicate true only for data `schema` accepts, or None if the schema is beyond it."""
    try:
        return _Compiler(schema).compile(schema)
    except _Unsupported:
        return None


class _Compiler:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.defs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, dict):
            raise _Unsupported(schema)
        unknown = set(schema) - _KEYWORDS - _ANNOTATIONS
        if unknown:
            raise _Unsupported(sorted(unknown))
        checks = [self.keyword(name, schema[name], schema) for name in schema if name in _KEYWORDS]
        # A value of another type (a str subclass, bytes, a date) gets no fast answer: the
        # keywords below treat what is not a dict, list or str as out of their reach.
        if len(checks) == 1:
            only = checks[0]
            return lambda value: type(value) in _PLAIN and only(value)
        return lambda value: type(value) in _PLAIN and all(check(value) for check in checks)

    def ref(self, ref: Any) -> Check:
        if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            raise _Unsupported(ref)
        name = ref[len("#/$defs/") :]
        if name not in self.defs:
            target = self.root.get("$defs", {}).get(name) if isinstance(self.root, dict) else None
            if target is None:
                raise _Unsupported(ref)
            self.defs[name] = lambda value: False  # a recursive $ref: refuse until compiled
            compiled = self.compile(target)
            self.defs[name] = compiled
        # Looked up at call time, so a recursive definition sees its compiled self.
        return lambda value: self.defs[name](value)

    def allowed_types(self, schema: Any, seen: tuple[str, ...] = ()) -> frozenset[str] | None:
        """The types a (sub)schema allows at all, when its `type` (or its `$ref`'s) says."""
        if not isinstance(schema, dict):
            return None
        if "type" in schema:
            arg = schema["type"]
            return frozenset([arg] if isinstance(arg, str) else arg)
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and ref not in seen:
            target = self.root.get("$defs", {}).get(ref[len("#/$defs/") :])
            return self.allowed_types(target, (*seen, ref))
        return None

    def keyword(self, name: str, arg: Any, schema: dict[str, Any]) -> Check:
        return _HANDLERS[name](self, arg, schema)

    def kw_ref(self, arg: Any, schema: dict[str, Any]) -> Check:
        return self.ref(arg)

    def kw_type(self, arg: Any, schema: dict[str, Any]) -> Check:
        wanted = frozenset([arg] if isinstance(arg, str) else arg)

        def check(value: Any) -> bool:
            types = json_types(value)
            return types is not None and not types.isdisjoint(wanted)

        return check

    def kw_const(self, arg: Any, schema: dict[str, Any]) -> Check:
        return self.kw_enum([arg], schema)

    def kw_enum(self, arg: Any, schema: dict[str, Any]) -> Check:
        # Only scalars compared with a scalar of the very same Python type: jsonschema's
        # equality then agrees (it tells true from 1, which `==` does not).
        if not isinstance(arg, list) or not all(type(v) in _SCALARS for v in arg):
            raise _Unsupported(arg)
        allowed = {(type(v), v) for v in arg}
        return lambda value: type(value) in _SCALARS and (type(value), value) in allowed

    def kw_required(self, arg: Any, schema: dict[str, Any]) -> Check:
        names = tuple(arg)
        return lambda value: type(value) is not dict or all(n in value for n in names)

    def kw_properties(self, arg: Any, schema: dict[str, Any]) -> Check:
        checks = {name: self.compile(sub) for name, sub in arg.items()}

        def check(value: Any) -> bool:
            if type(value) is not dict:
                return True
            return all(checks[key](item) for key, item in value.items() if key in checks)

        return check

    def kw_additionalProperties(self, arg: Any, schema: dict[str, Any]) -> Check:
        known = frozenset(schema.get("properties", {}))
        if arg is False:
            return lambda value: type(value) is not dict or all(key in known for key in value)
        each = self.compile(arg)

        def check(value: Any) -> bool:
            if type(value) is not dict:
                return True
            return all(each(item) for key, item in value.items() if key not in known)

        return check

    def kw_minProperties(self, arg: Any, schema: dict[str, Any]) -> Check:
        return lambda value: type(value) is not dict or len(value) >= arg

    def kw_items(self, arg: Any, schema: dict[str, Any]) -> Check:
        each = self.compile(arg)
        return lambda value: type(value) is not list or all(each(item) for item in value)

    def kw_minItems(self, arg: Any, schema: dict[str, Any]) -> Check:
        return lambda value: type(value) is not list or len(value) >= arg

    def kw_minLength(self, arg: Any, schema: dict[str, Any]) -> Check:
        return lambda value: type(value) is not str or len(value) >= arg

    def kw_minimum(self, arg: Any, schema: dict[str, Any]) -> Check:
        # bool is not a number to jsonschema (nor here: its type is bool, not int).
        return lambda value: type(value) not in (int, float) or value >= arg

    def kw_pattern(self, arg: Any, schema: dict[str, Any]) -> Check:
        try:
            search = re.compile(arg).search
        except (re.error, TypeError):
            raise _Unsupported(arg) from None
        return lambda value: type(value) is not str or search(value) is not None

    def kw_maxItems(self, arg: Any, schema: dict[str, Any]) -> Check:
        return lambda value: type(value) is not list or len(value) <= arg

    def kw_if(self, arg: Any, schema: dict[str, Any]) -> Check:
        """`if`/`then`/`else`, when the `if` is decided exactly: only `type` and `required`.

        The fast check of `then` or `else` is then as sure as anywhere else.
        """
        if not isinstance(arg, dict) or set(arg) - {"type", "required"} - _ANNOTATIONS:
            raise _Unsupported(arg)
        wanted = arg.get("type")
        types = frozenset([wanted] if isinstance(wanted, str) else wanted or ())
        names = tuple(arg.get("required", ()))
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))

        def matches(value: Any) -> bool:
            found = json_types(value)
            if types and (found is None or found.isdisjoint(types)):
                return False
            return type(value) is not dict or all(n in value for n in names)

        return lambda value: then(value) if matches(value) else otherwise(value)

    def kw_branch(self, arg: Any, schema: dict[str, Any]) -> Check:
        """`then` and `else` are checked by their `if`; alone, they never apply."""
        return lambda value: True

    def kw_oneOf(self, arg: Any, schema: dict[str, Any]) -> Check:
        # Exactly one branch valid: one certainly valid and every other certainly invalid,
        # which the fast check knows only from a `type` the value does not have.
        branches = [(self.compile(sub), self.allowed_types(sub)) for sub in arg]

        def check(value: Any) -> bool:
            types = json_types(value)
            if types is None:
                return False
            accepted = 0
            for accepts, allowed in branches:
                if allowed is not None and types.isdisjoint(allowed):
                    continue  # certainly invalid
                if not accepts(value):
                    return False  # not sure it is invalid either
                accepted += 1
            return accepted == 1

        return check


#: Keywords with a check of their own, and the method that compiles each; any other keyword
#: (not an annotation) means no fast answer for that schema.
_HANDLERS: dict[str, Callable[[_Compiler, Any, dict[str, Any]], Check]] = {
    "type": _Compiler.kw_type,
    "const": _Compiler.kw_const,
    "enum": _Compiler.kw_enum,
    "required": _Compiler.kw_required,
    "properties": _Compiler.kw_properties,
    "additionalProperties": _Compiler.kw_additionalProperties,
    "minProperties": _Compiler.kw_minProperties,
    "items": _Compiler.kw_items,
    "minItems": _Compiler.kw_minItems,
    "minLength": _Compiler.kw_minLength,
    "minimum": _Compiler.kw_minimum,
    "pattern": _Compiler.kw_pattern,
    "oneOf": _Compiler.kw_oneOf,
    "$ref": _Compiler.kw_ref,
    "maxItems": _Compiler.kw_maxItems,
    "if": _Compiler.kw_if,
    "then": _Compiler.kw_branch,
    "else": _Compiler.kw_branch,
}
_KEYWORDS = frozenset(_HANDLERS)
