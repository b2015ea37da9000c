"""Consolidation and comparison: properties (text reproduced, lineage kept) and named cases."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consensus.core.compare import compare
from consensus.core.consolidation import AmendmentValue, ClauseValue, consolidate, consolidation_refusal, find_clashes
from consensus.core.numbering import renumber
from consensus.core.tally import Words


def lineages():  # type: ignore[no-untyped-def]
    counter = itertools.count(1)
    return lambda: f"new-{next(counter)}"


def draft(*numbers: str) -> list[ClauseValue]:
    return [ClauseValue(lineage=f"L{n}", number=n, heading=f"H{n}", text=f"Text of {n}.") for n in numbers]


DRAFT = draft("1", "2", "2.1", "2.2", "3")


@st.composite
def documents(draw):  # type: ignore[no-untyped-def]
    """A document of numbered clauses and sub-clauses with distinct lineages."""
    shape = draw(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=12))
    numbers: list[str] = []
    for top, subs in enumerate(shape, start=1):
        numbers.append(str(top))
        numbers.extend(f"{top}.{i}" for i in range(1, subs + 1))
    texts = draw(st.lists(st.text(max_size=40), min_size=len(numbers), max_size=len(numbers)))
    return [ClauseValue(f"L{i}", n, f"H{n}", t) for i, (n, t) in enumerate(zip(numbers, texts, strict=True))]


@st.composite
def documents_with_amendments(draw):  # type: ignore[no-untyped-def]
    clauses = draw(documents())
    targets = draw(st.lists(st.sampled_from(clauses), unique_by=lambda c: c.lineage, max_size=len(clauses)))
    amendments = []
    for i, clause in enumerate(targets, start=1):
        kind = draw(st.sampled_from(["replace", "insert", "delete"]))
        amendments.append(AmendmentValue(i, kind, clause.lineage, text=f"amended {i}", heading=None))
    return clauses, amendments


@given(documents())
def test_consolidating_with_no_accepted_amendments_reproduces_the_text(clauses) -> None:  # type: ignore[no-untyped-def]
    result = consolidate(clauses, [], lineages())
    assert result.ok
    assert [(c.lineage, c.heading, c.text) for c in result.clauses] == [(c.lineage, c.heading, c.text) for c in clauses]
    assert [c.number for c in result.clauses] == [c.number for c in clauses]


@given(documents_with_amendments())
def test_lineage_is_never_lost(case) -> None:  # type: ignore[no-untyped-def]
    clauses, amendments = case
    result = consolidate(clauses, amendments, lineages())
    assert result.ok  # one amendment per clause at most: never a conflict
    deleted = {a.target for a in amendments if a.kind == "delete"}
    kept = [c.lineage for c in clauses if c.lineage not in deleted]
    new_lineages = [c.lineage for c in result.clauses]
    assert [lineage for lineage in new_lineages if lineage in {c.lineage for c in clauses}] == kept
    assert len(set(new_lineages)) == len(new_lineages)
    inserted = sum(1 for a in amendments if a.kind == "insert")
    assert len(result.clauses) == len(clauses) - len(deleted) + inserted
    numbers = [c.number for c in result.clauses]
    assert len(set(numbers)) == len(numbers)


@given(documents_with_amendments())
def test_comparing_with_the_consolidated_version_names_every_change(case) -> None:  # type: ignore[no-untyped-def]
    clauses, amendments = case
    result = consolidate(clauses, amendments, lineages())
    new = [ClauseValue(c.lineage, c.number, c.heading, c.text) for c in result.clauses]
    comparison = compare(clauses, new)
    by_lineage = {c.lineage: c for c in comparison.changes}
    for amendment in amendments:
        if amendment.kind == "delete":
            assert by_lineage[amendment.target].change == "deleted"
    assert comparison.count("added") == sum(1 for a in amendments if a.kind == "insert")
    assert comparison.moved == 0


@given(documents())
def test_a_version_compared_with_itself_is_all_folded(clauses) -> None:  # type: ignore[no-untyped-def]
    assert all(change.folded for change in compare(clauses, clauses).changes)


def test_replace_insert_and_delete_are_applied_and_renumbered() -> None:
    amendments = [
        AmendmentValue(1, "replace", "L2.1", text="New 2.1 text.", heading=None),
        AmendmentValue(2, "insert", "L1", text="Inserted after 1.", heading="Inserted"),
        AmendmentValue(3, "delete", "L2.2"),
    ]
    result = consolidate(DRAFT, amendments, lineages())
    assert result.ok and result.applied == (1, 2, 3)
    assert [(c.number, c.lineage, c.previous_number) for c in result.clauses] == [
        ("1", "L1", "1"),
        ("2", "new-1", None),
        ("3", "L2", "2"),
        ("3.1", "L2.1", "2.1"),
        ("4", "L3", "3"),
    ]
    assert result.clauses[1].heading == "Inserted" and result.clauses[1].amendment_id == 2
    assert result.clauses[3].text == "New 2.1 text." and result.clauses[3].heading == "H2.1"


def test_a_changed_clause_is_open_again_and_an_untouched_one_keeps_its_status() -> None:
    agreed = [ClauseValue("a", "1", "", "x", "agreed_ad_ref"), ClauseValue("b", "2", "", "y", "agreed_ad_ref")]
    result = consolidate(agreed, [AmendmentValue(1, "replace", "b", text="z")], lineages())
    assert [c.status for c in result.clauses] == ["agreed_ad_ref", "open"]


@pytest.mark.parametrize(
    ("amendments", "expected"),
    [
        (
            [AmendmentValue(4, "replace", "L2", text="a"), AmendmentValue(7, "replace", "L2", text="b")],
            "Amendments 4 and 7 on clause 2: both replace the text of the same clause",
        ),
        (
            [AmendmentValue(4, "replace", "L2", text="a"), AmendmentValue(7, "delete", "L2")],
            "Amendments 4 and 7 on clause 2: one deletes the clause the other changes",
        ),
        (
            [AmendmentValue(4, "delete", "L3"), AmendmentValue(9, "insert", "L3", text="x")],
            "Amendments 4 and 9 on clause 3: one inserts a clause after the clause the other deletes",
        ),
        (
            [AmendmentValue(5, "insert", "L1", text="x"), AmendmentValue(6, "insert", "L1", text="y")],
            "Amendments 5 and 6 on clause 1: both insert a clause after the same clause",
        ),
    ],
)
def test_conflicts_are_named_and_nothing_is_built(amendments, expected) -> None:  # type: ignore[no-untyped-def]
    result = consolidate(DRAFT, amendments, lineages())
    assert not result.ok and result.clauses == ()
    assert [str(c) for c in result.clashes] == [expected]


def test_changing_a_clause_and_inserting_after_it_do_not_conflict() -> None:
    amendments = [AmendmentValue(1, "replace", "L2", text="a"), AmendmentValue(2, "insert", "L2", text="b")]
    assert find_clashes(DRAFT, amendments) == []


def test_comparison_finds_moves_and_renumbering() -> None:
    old = draft("1", "2", "3")
    new = [
        ClauseValue("L3", "1", "H3", "Text of 3."),
        ClauseValue("L1", "2", "H1", "Text of 1, amended."),
        ClauseValue("L2", "3", "H2", "Text of 2."),
    ]
    changes = {c.lineage: c for c in compare(old, new).changes}
    assert changes["L3"].moved and changes["L3"].renumbered and changes["L3"].change == "unchanged"
    assert not changes["L1"].moved and changes["L1"].change == "changed"
    assert changes["L2"].renumbered and not changes["L2"].moved and not changes["L2"].folded


def test_deleted_clauses_stand_where_they_were() -> None:
    old = draft("1", "2", "3")
    new = [ClauseValue("L1", "1", "H1", "Text of 1."), ClauseValue("L3", "2", "H3", "Text of 3.")]
    assert [(c.lineage, c.change) for c in compare(old, new).changes] == [
        ("L1", "unchanged"),
        ("L2", "deleted"),
        ("L3", "unchanged"),
    ]


@pytest.mark.parametrize(
    ("templates", "numbers"),
    [
        (["1", "1.1", "1.1", "2"], ["1", "1.1", "1.2", "2"]),
        (["1", "2.1", "2.2", "3"], ["1", "1.1", "1.2", "2"]),
        (["1", "2", "3", "A", "A.1", "A.1", "B"], ["1", "2", "3", "A", "A.1", "A.2", "B"]),
        (["1", "1", "1.1", "1.1.1", "2"], ["1", "2", "2.1", "2.1.1", "3"]),
    ],
)
def test_renumbering_closes_gaps_and_makes_room(templates: list[str], numbers: list[str]) -> None:
    assert renumber(templates) == numbers


def test_the_secretariat_consolidates_until_the_version_is_adopted() -> None:
    assert consolidation_refusal("secretariat", 2, adopted=False) is None
    adopted = consolidation_refusal("secretariat", 2, adopted=True)
    assert adopted is not None and adopted.kind == "conflict"
    assert Words().phrase(adopted.phrase) == "Version 2 has been adopted and is frozen: there is no next version."
    for role in ("chair", "delegate", "observer"):
        refused = consolidation_refusal(role, 2, adopted=False)
        assert refused is not None and refused.kind == "forbidden"
        assert Words().phrase(refused.phrase) == "Only the secretariat consolidates versions."
