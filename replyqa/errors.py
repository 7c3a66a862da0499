"""The exceptions replyqa raises.

Each subclasses a built-in as well as :class:`ReplyQAError`, so callers' existing
``except ValueError`` or ``except TypeError`` blocks keep working.
"""
from __future__ import annotations

__all__ = ["EmptyInputError", "InputTypeError", "ModelNotInstalledError", "ReplyQAError"]


class ReplyQAError(Exception):
    """Base class of every error replyqa raises on purpose."""


class InputTypeError(ReplyQAError, TypeError):
    """An argument is not a ``str`` (for example ``None`` or bytes)."""


class EmptyInputError(ReplyQAError, ValueError):
    """The customer's message is empty or only whitespace."""


class ModelNotInstalledError(ReplyQAError, ImportError):
    """A model or optional dependency is not installed; the message names the install command."""


def check_text(value: object, name: str, function: str, *, allow_empty: bool) -> str:
    """Return ``value`` if it is a usable text argument, else raise a helpful error.

    >>> check_text("hi", "draft", "check()", allow_empty=True)
    'hi'
    """
    if not isinstance(value, str):
        raise InputTypeError(
            f"The {name!r} argument of {function} must be a str. Got {type(value).__name__} instead."
        )
    if not allow_empty and not value.strip():
        raise EmptyInputError(
            f"The {name!r} argument of {function} must be a non-empty str. Got {value!r} instead."
        )
    return value
