"""The command line's values read without pydantic: a tenth of a second off every command.

Typer 0.29 turns each parameter's text into its Python value through a pydantic
``TypeAdapter``, so the first parameter of every command imports pydantic: 0.10 s,
half the time of ``claim-ledger path`` at 1k claims (bench/startup.py). Our
parameters are only text, whole numbers, one number with a floor, flags, one
choice and lists of text or numbers; :func:`install` reads those here and leaves
any other to Typer. It hooks ``typer.core.build_runtime_param``, which is not
public API: pyproject pins Typer below 0.30, and a test fails if the hook is gone
or pydantic is imported again (``tests/test_newcomer.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, get_args, get_origin

from .typerhook import replace_once

_TRUE = frozenset(("1", "true", "t", "yes", "y", "on"))
_FALSE = frozenset(("0", "false", "f", "no", "n", "off", ""))


def install() -> bool:
    """Read our parameters here from now on; False if this Typer has no such hook."""
    try:
        from typer import _coercion, core
        from typer._click.exceptions import BadParameter
    except ImportError:
        return False
    runtime = getattr(_coercion, "RuntimeParam", None)
    if runtime is None:
        return False

    @dataclass(frozen=True)
    class Plain(runtime):  # type: ignore[misc, valid-type]
        """One parameter read by :func:`value_of` (or each item of a list)."""

        read: Any  # str -> value, or raises ValueError with the message to show

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if isinstance(value, (list, tuple)):
                    return [self.read(item) for item in value]
                return self.read(value)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None

    def reading_ours(typer_builds: Any) -> Any:
        def build(descriptor: Any) -> Any:
            read = reader(descriptor.annotation, descriptor.parameter_info)
            if read is None or descriptor.file_annotation is not None:
                return typer_builds(descriptor)
            return Plain(
                annotation=descriptor.annotation, parameter_info=descriptor.parameter_info, read=read
            )

        return build

    return replace_once(core, "build_runtime_param", reading_ours)


def reader(annotation: Any, info: Any) -> Any:
    """How to read one value of ``annotation`` (a list's items, for a list); None: not ours."""
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        return reader(item, info)
    if getattr(info, "parser", None) is not None or getattr(info, "clamp", False):
        return None
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    if annotation is str and low is None and high is None:
        return _text
    if annotation is bool:
        return _flag
    if annotation in (int, float):
        return lambda value: _number(annotation, value, low, high)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return lambda value: _choice(annotation, value, bool(getattr(info, "case_sensitive", True)))
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    said = str(value).strip().casefold()
    if said in _TRUE or said in _FALSE:
        return said in _TRUE
    raise ValueError(f"{value!r} is not yes or no")


def _number(kind: type, value: Any, low: float | None, high: float | None) -> Any:
    if isinstance(value, kind) and not isinstance(value, bool):
        number = value
    else:
        try:
            number = kind(str(value).strip())
        except ValueError:
            raise ValueError(f"{value!r} is not {'a whole number' if kind is int else 'a number'}") from None
        if kind is float and number != number:  # NaN: no number at all
            raise ValueError(f"{value!r} is not a number")
    if low is not None and number < low:
        raise ValueError(f"{value} is less than {low:g}")
    if high is not None and number > high:
        raise ValueError(f"{value} is more than {high:g}")
    return number


def _choice(kind: type[Enum], value: Any, case_sensitive: bool) -> Enum:
    if isinstance(value, kind):
        return value
    said = str(value)
    for member in kind:
        if member.value == said or (not case_sensitive and str(member.value).casefold() == said.casefold()):
            return member
    allowed = ", ".join(str(m.value) for m in kind)
    raise ValueError(f"{said!r} is not one of {allowed}")
