"""The argument parser of every command: a mistyped option, sub-command or choice gets a
"did you mean ...?" (``difflib``, as argparse's own ``suggest_on_error`` does from Python
3.14), and its error shows the usage of the command it belongs to, not the top level's.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

#: An option as typed (``-h``, ``--as-at``, ``--as-at=2019-03-31``), not a negative number.
_OPTION = re.compile(r"(--?[A-Za-z][\w-]*)(?:=.*)?")


def nearest(word: str, choices: Sequence[str]) -> str | None:
    """The closest of ``choices`` to a mistyped ``word`` (``difflib``), if any is close."""
    near = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return near[0] if near else None


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that suggests the nearest option, sub-command or choice.

    Options are never abbreviated: ``--form`` is a typo of ``--from``, not ``--format``.
    """

    _given: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"allow_abbrev": False, **kwargs})

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None,
    ) -> tuple[argparse.Namespace, list[str]]:
        """As argparse, remembering the arguments for :meth:`error`'s suggestions."""
        self._given = tuple(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None,
    ) -> argparse.Namespace:
        """As argparse; an unknown option is reported by the sub-command that was given it."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self._chosen(parsed).error("unrecognized arguments: " + " ".join(extras))
        return parsed

    def error(self, message: str) -> NoReturn:
        """Usage and message, with a suggestion for each option this command does not know."""
        _, said, required = message.partition("the following arguments are required:")
        missing = [name.strip() for name in required.split(",")] if said else []
        hints = [f"{word}: did you mean {near}?" for word in self._unknown()
                 if (near := nearest(word, missing) or nearest(word, self._options()))]
        super().error("\n  ".join([message, *hints]))

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """An invalid choice (sub-command, ``--format``) names the nearest valid one."""
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as exc:
            if action.choices is None or not isinstance(value, str):
                raise
            near = nearest(value, [str(c) for c in action.choices])
            if near is None:
                raise
            raise argparse.ArgumentError(action, f"{exc.message}; did you mean {near!r}?") from None

    def _options(self) -> list[str]:
        return [s for action in self._actions for s in action.option_strings]

    def _unknown(self) -> list[str]:
        """Options given to this parser that are none of its own."""
        if self._subcommands() is not None:
            return []
        options = self._options()
        words = [m.group(1) for w in self._given if (m := _OPTION.fullmatch(w))]
        return [w for w in words if w not in options]

    def _subcommands(self) -> argparse._SubParsersAction | None:
        found = [a for a in self._actions if isinstance(a, argparse._SubParsersAction)]
        return found[0] if found else None

    def _chosen(self, parsed: argparse.Namespace) -> argparse.ArgumentParser:
        """The sub-command's parser that ``parsed`` went through (this one when none)."""
        sub = self._subcommands()
        name = getattr(parsed, sub.dest, None) if sub is not None and sub.dest else None
        return sub.choices[name] if sub is not None and name in sub.choices else self
