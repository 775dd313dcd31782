"""``advanced_alchemy.utils.cli_tools``: the click module in use and groups with command aliases."""

from __future__ import annotations

import click as plain_click
from click.testing import CliRunner

from advanced_alchemy.utils import cli_tools
from advanced_alchemy.utils.cli_tools import AliasedGroup, command, group


def test_click_is_rich_click_when_installed() -> None:
    try:
        import rich_click
    except ImportError:  # pragma: no cover
        assert cli_tools.click is plain_click
    else:
        assert cli_tools.click is rich_click


def test_commands_answer_to_their_aliases() -> None:
    calls: list[str] = []

    @group(name="root")
    def root() -> None:
        pass

    @group(name="database", aliases=["db"])
    def database() -> None:
        pass

    @command(name="upgrade")
    @plain_click.argument("revision", default="head")
    def upgrade(revision: str) -> None:
        calls.append(revision)

    assert isinstance(root, AliasedGroup)
    assert isinstance(database, AliasedGroup)
    assert database.aliases == ["db"]
    database.add_command(upgrade, aliases=["up", "migrate"])
    root.add_command(database)

    runner = CliRunner()
    for args in (["database", "upgrade"], ["db", "up", "abc"], ["db", "migrate", "x"]):
        result = runner.invoke(root, args)
        assert result.exit_code == 0, result.output
    assert calls == ["head", "abc", "x"]

    result = runner.invoke(root, ["db", "nope"])
    assert result.exit_code == 2
    help_text = runner.invoke(root, ["db", "--help"]).output
    assert help_text.count("upgrade") == 1
    assert "migrate" not in help_text


def test_resolve_command_reports_the_real_name() -> None:
    grp = AliasedGroup(name="g")
    grp.add_command(plain_click.Command("show-current-revision"), aliases=["current"])
    ctx = plain_click.Context(grp)
    name, cmd, rest = grp.resolve_command(ctx, ["current", "--verbose"])
    assert name == "show-current-revision"
    assert cmd is grp.commands["show-current-revision"]
    assert rest == ["--verbose"]
    assert grp.get_command(ctx, "missing") is None
