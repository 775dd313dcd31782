"""``python -m advanced_alchemy`` and the ``alchemy`` console script."""

from __future__ import annotations

import sys

__all__ = ("run_cli",)


def run_cli() -> None:
    """Run the ``alchemy`` command line (needs the ``cli`` extra: rich-click, or at least click)."""
    try:
        from advanced_alchemy.cli import add_migration_commands
    except ImportError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        sys.exit(1)
    add_migration_commands()()


if __name__ == "__main__":
    run_cli()
