"""Every issue rule has a short Chinese title for the quality page (a rule added without
one would show as its bare code there); labels fall back to the code, never fail."""

from pipelines.vocabulary.labels import FILE_STATUS_ZH, RULE_TITLE_ZH, label
from pipelines.vocabulary.rules import RULES


def test_every_rule_has_a_title() -> None:
    assert set(RULES) - set(RULE_TITLE_ZH) == set()
    assert set(RULE_TITLE_ZH) - set(RULES) == set(), "a title for a rule that no longer exists"


def test_unknown_code_shows_as_itself() -> None:
    assert label(FILE_STATUS_ZH, "loaded") == "已载入"
    assert label(FILE_STATUS_ZH, "archived") == "archived"
    assert label(FILE_STATUS_ZH, None) == "—"
