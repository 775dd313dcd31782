"""The commit policy every framework integration uses (one object, every spelling)."""

from __future__ import annotations

import pytest

from advanced_alchemy.config.commit import CommitPolicy, normalize_commit_mode


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (None, "manual"),
        ("manual", "manual"),
        ("autocommit", "autocommit"),
        ("autocommit_include_redirect", "autocommit_include_redirect"),
        ("autocommit_include_redirects", "autocommit_include_redirect"),
    ],
)
def test_every_spelling_is_accepted(mode: str | None, expected: str) -> None:
    assert normalize_commit_mode(mode) == expected
    assert CommitPolicy.from_mode(mode).mode == expected


def test_unknown_mode_names_the_accepted_ones() -> None:
    with pytest.raises(ValueError, match="Unknown commit mode 'always'.*'autocommit_include_redirects'"):
        normalize_commit_mode("always")


@pytest.mark.parametrize(
    ("mode", "status", "action"),
    [
        ("manual", 200, "rollback"),
        ("autocommit", 200, "commit"),
        ("autocommit", 299, "commit"),
        ("autocommit", 302, "rollback"),
        ("autocommit", 404, "rollback"),
        ("autocommit", None, "rollback"),
        ("autocommit_include_redirect", 302, "commit"),
        ("autocommit_include_redirects", 399, "commit"),
        ("autocommit_include_redirect", 400, "rollback"),
        ("autocommit_include_redirect", 500, "rollback"),
    ],
)
def test_actions_by_status(mode: str, status: int | None, action: str) -> None:
    assert CommitPolicy.from_mode(mode).action(status) == action


def test_extra_statuses() -> None:
    policy = CommitPolicy.from_mode("autocommit", extra_commit_statuses={404}, extra_rollback_statuses={201})
    assert policy.action(404) == "commit"
    assert policy.action(201) == "rollback"
    assert policy.action(200) == "commit"
    assert CommitPolicy.from_mode("manual", extra_commit_statuses=[204]).commits
    assert not CommitPolicy.from_mode("manual").commits
    with pytest.raises(ValueError, match="must not share any status codes"):
        CommitPolicy.from_mode("autocommit", extra_commit_statuses={201}, extra_rollback_statuses={201})
