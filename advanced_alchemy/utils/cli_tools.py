"""click helpers shared by the ``alchemy`` command line and the framework ``database`` groups.

``click`` is rich-click when it is installed (the ``cli`` extra), else plain click; importing this module
without either raises :class:`~advanced_alchemy.exceptions.MissingDependencyError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable, Optional

from typing_extensions import ParamSpec

from advanced_alchemy.exceptions import MissingDependencyError

try:
    import rich_click as click
except ImportError:  # pragma: no cover - exercised only without rich-click
    try:
        import click  # type: ignore[no-redef]
    except ImportError as exc:  # pragma: no cover
        raise MissingDependencyError("click", "cli") from exc

from click import Group

__all__ = (
    "AliasedGroup",
    "click",
    "command",
    "group",
)

P = ParamSpec("P")


class AliasedGroup(Group):
    """A click group whose commands (and sub-groups) can be called by alias names too.

    ``aliases`` are this group's own alternative names: a parent ``AliasedGroup`` resolves them when the
    group is added to it (``litestar database ...`` is also ``litestar db ...``). Commands added with
    ``add_command(cmd, aliases=[...])`` answer to those names as well. Help lists each command once.
    """

    def __init__(self, *args: Any, aliases: Optional[Iterable[str]] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases: list[str] = list(aliases or ())
        self._alias_targets: dict[str, str] = {}

    def add_command(
        self, cmd: click.Command, name: Optional[str] = None, aliases: Optional[Iterable[str]] = None, **kwargs: Any
    ) -> None:
        """Register ``cmd`` under ``name`` (default: its own name) and under every alias.

        The aliases are ``aliases`` plus the command's own ``aliases`` attribute (set by ``AliasedGroup``).
        """
        super().add_command(cmd, name)
        target = name or cmd.name
        if target is None:  # pragma: no cover - click already refuses unnamed commands
            return
        for alias in (*(aliases or ()), *getattr(cmd, "aliases", ())):
            if alias != target:
                self._alias_targets[alias] = target

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        """The command called ``cmd_name``, or the one that has it as an alias."""
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        target = self._alias_targets.get(cmd_name)
        return super().get_command(ctx, target) if target is not None else None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[Optional[str], Optional[click.Command], list[str]]:
        """Resolve like click, reporting the command's real name when it was called by an alias."""
        _, cmd, remaining = super().resolve_command(ctx, args)
        return (cmd.name if cmd is not None else None), cmd, remaining


def command(
    name: Optional[str] = None, cls: Optional[type[click.Command]] = None, **attrs: Any
) -> Callable[[Callable[P, Any]], click.Command]:
    """``click.command`` (rich-click's when installed)."""
    decorator: Callable[[Callable[P, Any]], click.Command] = click.command(name, cls=cls, **attrs)
    return decorator


def group(
    name: Optional[str] = None, cls: Optional[type[click.Group]] = None, **attrs: Any
) -> Callable[[Callable[P, Any]], click.Group]:
    """``click.group`` with :class:`AliasedGroup` as the default class (accepts ``aliases=[...]``)."""
    decorator: Callable[[Callable[P, Any]], click.Group] = click.group(name, cls=cls or AliasedGroup, **attrs)
    return decorator
