"""The rules of documents in preparation and of editorial corrections, on plain values."""

from __future__ import annotations

from consensus.core.clauses import Draft, DraftClause
from consensus.core.documents import (
    CorrectionFacts,
    circulate_refusal,
    correction_change,
    correction_refusal,
    document_visible,
    draft_problems,
    edit_refusal,
    insert_clause,
    language_refusal,
    move_clause,
    next_number,
    normalised,
    remove_clause,
    slug_refusal,
)
from consensus.core.versions import frozen_refusal

DRAFT = Draft("Title", (DraftClause("1", "A", "One."), DraftClause("2", "B", "Two."), DraftClause("3", "", "Three.")))


def test_a_document_in_preparation_is_seen_by_the_secretariat_and_the_chair_only() -> None:
    assert document_visible("preparation", "secretariat") and document_visible("preparation", "chair")
    for role in ("delegate", "observer", None):
        assert not document_visible("preparation", role)
        assert document_visible("open", role)


def test_only_the_secretariat_edits_and_only_in_preparation() -> None:
    assert edit_refusal("secretariat", "preparation") is None
    refusal = edit_refusal("chair", "preparation")
    assert refusal is not None and refusal.kind == "forbidden"
    refusal = edit_refusal("secretariat", "open")
    assert refusal is not None and refusal.kind == "conflict"


def test_circulating_twice_is_a_conflict_and_an_empty_document_cannot_be_circulated() -> None:
    assert circulate_refusal("secretariat", "preparation", 3) is None
    twice = circulate_refusal("secretariat", "open", 3)
    assert twice is not None and twice.kind == "conflict"
    empty = circulate_refusal("secretariat", "preparation", 0)
    assert empty is not None and empty.field == "clauses"


def test_a_version_of_a_document_in_preparation_takes_nothing_but_edits() -> None:
    refusal = frozen_refusal(1, 1, False, False, preparation=True)
    assert refusal is not None and "in preparation" in refusal.phrase.text
    assert frozen_refusal(1, 1, False, False) is None


def test_slugs_and_languages_are_checked() -> None:
    assert slug_refusal("capacity-building", False) is None
    for bad in ("Capacity", "-x", "a b", "import", "new"):
        assert slug_refusal(bad, False) is not None, bad
    assert slug_refusal("taken", True) is not None
    assert language_refusal("zh-Hans") is None and language_refusal("english please") is not None


def test_every_problem_of_a_draft_is_named_on_its_field() -> None:
    bad = Draft("", (DraftClause("1", "", "x"), DraftClause("1", "H" * 301, ""), DraftClause("a b", "", "y\x00")))
    fields = {p.field for p in draft_problems(bad)}
    assert fields == {
        "title",
        "clauses.1.number",
        "clauses.1.heading",
        "clauses.1.text",
        "clauses.2.number",
        "clauses.2.text",
    }
    assert draft_problems(DRAFT) == []
    assert {p.field for p in draft_problems(Draft("T", ()))} == {"clauses"}


def test_the_corrections_in_place_move_add_and_remove_clauses() -> None:
    assert [c.number for c in move_clause(DRAFT, 0, 1).clauses] == ["2", "1", "3"]
    assert move_clause(DRAFT, 0, -1) == DRAFT
    added = insert_clause(DRAFT, 1, DraftClause(next_number(DRAFT), "", "New."))
    assert [c.number for c in added.clauses] == ["1", "4", "2", "3"]
    assert [c.number for c in remove_clause(DRAFT, 1).clauses] == ["1", "3"]
    assert normalised(Draft("  A   title ", (DraftClause(" 1 ", " H  h ", "a\r\nb  "),))) == Draft(
        "A title", (DraftClause("1", "H h", "a\nb"),)
    )


FACTS = CorrectionFacts("secretariat", "open", None)


def test_a_typo_may_be_corrected_with_a_reason() -> None:
    change = correction_change("", "States shal cooperate.", "", "States shall cooperate.")
    assert change.words == 1
    assert correction_refusal(FACTS, change, "Typo.") is None
    no_reason = correction_refusal(FACTS, change, " ")
    assert no_reason is not None and no_reason.field == "reason"


def test_more_than_three_words_is_a_change_of_substance() -> None:
    change = correction_change("", "States shall cooperate.", "", "States may decline to cooperate at all.")
    refusal = correction_refusal(FACTS, change, "Better.")
    assert refusal is not None and refusal.phrase.values["n"] == change.words > 3


def test_a_correction_is_refused_to_others_on_frozen_versions_and_where_others_work() -> None:
    change = correction_change("", "a b", "", "a c")
    frozen = frozen_refusal(1, 2, True, False)
    cases = [
        (CorrectionFacts("chair", "open", None), "forbidden"),
        (CorrectionFacts("secretariat", "preparation", None), "conflict"),
        (CorrectionFacts("secretariat", "open", frozen), "conflict"),
        (CorrectionFacts("secretariat", "open", None, open_rounds=1), "conflict"),
        (CorrectionFacts("secretariat", "open", None, pending_amendments=2), "conflict"),
    ]
    for facts, kind in cases:
        refusal = correction_refusal(facts, change, "Typo.")
        assert refusal is not None and refusal.kind == kind, facts
    unchanged = correction_refusal(FACTS, correction_change("", "a", "", "a"), "Typo.")
    assert unchanged is not None and unchanged.field == "text"
