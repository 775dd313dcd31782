"""``advanced_alchemy.utils.text`` (spec §13)."""

from __future__ import annotations

import pytest

from advanced_alchemy.utils.text import check_email, slugify


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Hello World!", "hello-world"),
        ("  Hello   World  ", "hello-world"),
        ("Crème Brûlée", "creme-brulee"),
        ("Ünïcödé Façade", "unicode-facade"),
        ("already-a-slug", "already-a-slug"),
        ("multiple---hyphens -- and  spaces", "multiple-hyphens-and-spaces"),
        ("--leading and trailing--", "leading-and-trailing"),
        ("_under_scores_", "under_scores"),
        ("C'est l'été! 100%", "cest-lete-100"),
        ("日本語", ""),
        ("", ""),
    ],
)
def test_slugify(value: str, expected: str) -> None:
    assert slugify(value) == expected


def test_slugify_allow_unicode_keeps_letters_of_every_script() -> None:
    assert slugify("日本語 テスト", allow_unicode=True) == "日本語-テスト"
    assert slugify("Crème Brûlée", allow_unicode=True) == "crème-brûlée"
    assert slugify("Привет, мир!", allow_unicode=True) == "привет-мир"
    # NFKC folds compatibility characters
    assert slugify("ﬁle", allow_unicode=True) == "file"


@pytest.mark.parametrize(
    ("separator", "expected"), [("_", "hello_world_again"), (".", "hello.world.again"), ("", "helloworldagain")]
)
def test_slugify_separator(separator: str, expected: str) -> None:
    assert slugify("Hello World again", separator=separator) == expected


def test_slugify_is_stable() -> None:
    once = slugify("Hello, World! Ça va?")
    assert once == "hello-world-ca-va"
    assert slugify(once) == once


def test_check_email() -> None:
    assert check_email("User@Example.COM") == "user@example.com"
    with pytest.raises(ValueError, match="Invalid email!"):
        check_email("not-an-email")
