"""The redline's pure part: which runs are kept, inserted or deleted, and on whose account."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from consensus.core.compare import compare
from consensus.core.consolidation import ClauseValue
from consensus.core.redline import (
    Applied,
    Corrected,
    History,
    Mark,
    Proposal,
    Run,
    Snapshot,
    State,
    Step,
    accepted,
    attribute,
    clause_redline,
    histories,
    proposed,
    redline,
    rejected,
)

T1, T2, T3 = (datetime(2026, 11, d, 12, tzinfo=UTC) for d in (1, 2, 3))
KEN, FRA, SEC = Mark("Kenya", T1), Mark("France", T2), Mark("Secretariat", T3)


def test_each_change_is_credited_to_the_step_that_made_it() -> None:
    runs = attribute(
        "States should share data.", [("States shall share data.", KEN), ("States shall share data now.", FRA)], SEC
    )
    assert runs == (
        Run("equal", "States "),
        Run("delete", "should", KEN),
        Run("insert", "shall", KEN),
        Run("equal", " share data"),
        Run("insert", " now", FRA),
        Run("equal", "."),
    )


def test_words_written_by_one_step_and_removed_by_the_next_leave_no_trace() -> None:
    runs = attribute("A text.", [("A long text.", KEN), ("A text.", FRA)], SEC)
    assert runs == (Run("equal", "A text."),)


words = st.lists(st.sampled_from(["States", "shall", "should", "share", "data", ",", ".", " ", "\n"]), max_size=12)
texts = words.map("".join)


@given(texts, st.lists(st.tuples(texts, st.sampled_from([KEN, FRA, SEC])), max_size=4))
def test_accepting_every_change_gives_the_last_text_and_rejecting_them_the_first(
    start: str, steps: list[tuple[str, Mark]]
) -> None:
    runs = attribute(start, steps, SEC)
    assert accepted(runs) == (steps[-1][0] if steps else start)
    assert rejected(runs) == start
    assert all((run.mark is None) == (run.op == "equal") for run in runs)


def snapshots() -> list[Snapshot]:
    v1 = (("a", State("1", "Purpose", "States should share data.")), ("b", State("2", "Scope", "It applies.")))
    v2 = (
        ("a", State("1", "Purpose", "States shall share data.")),
        ("n", State("2", "New", "A new clause.")),
        ("b", State("3", "Scope", "It applies now.")),
    )
    v3 = (("a", State("1", "Purpose", "States shall share data.")), ("n", State("2", "New", "A new clause.")))
    return [Snapshot(1, T1, v1), Snapshot(2, T2, v2), Snapshot(3, T3, v3)]


APPLIED = [
    Applied(2, "replace", "a", KEN),
    Applied(2, "insert", "a", FRA),
    Applied(3, "delete", "b", Mark("Brazil", T3)),
]
CORRECTED = [Corrected(2, "b", "Scope", "Scope", "It applies.", "It applies now.", T2)]


def test_a_history_follows_consolidations_and_corrections_through_the_versions() -> None:
    lives = histories(snapshots(), APPLIED, CORRECTED, "Secretariat")
    assert [s.mark.author for s in lives["a"].steps] == ["Kenya"]
    assert [s.mark.author for s in lives["n"].steps] == ["France"] and lives["n"].first is None
    # Renumbered by the consolidation into v2, corrected there, deleted by Brazil in v3.
    assert [s.mark.author for s in lives["b"].steps] == ["Secretariat", "Secretariat", "Brazil"]
    assert lives["b"].last is None


def test_a_redline_of_the_whole_range_credits_each_clause_and_number() -> None:
    shots = snapshots()
    lives = histories(shots, APPLIED, CORRECTED, "Secretariat")
    values = [[ClauseValue(lineage, s.number, s.heading, s.text) for lineage, s in shot.clauses] for shot in shots]
    clauses = redline(compare(values[0], values[2]), lives, SEC)
    by_lineage = {c.lineage: c for c in clauses}
    assert by_lineage["n"].change == "added" and by_lineage["n"].mark == FRA
    assert by_lineage["n"].number == (Run("insert", "2", FRA),)
    assert by_lineage["b"].change == "deleted" and by_lineage["b"].mark == Mark("Brazil", T3)
    assert {run.mark for run in by_lineage["a"].text if run.mark} == {KEN}


def test_read_backwards_every_step_is_undone_on_its_authors_account() -> None:
    lives = histories(snapshots(), APPLIED, CORRECTED, "Secretariat", backwards=True)
    a = clause_redline("a", lives["a"], SEC)
    assert accepted(a.text) == "States should share data." and rejected(a.text) == "States shall share data."
    assert {run.mark for run in a.text if run.mark} == {KEN}
    assert clause_redline("n", lives["n"], SEC).change == "deleted"


def test_a_clause_without_steps_is_unchanged() -> None:
    assert clause_redline("x", History(State("1", "", "old words")), SEC).change == "unchanged"


def test_competing_amendments_show_the_first_in_place_and_the_others_as_alternatives() -> None:
    clauses = [("a", State("1", "Purpose", "States should share data."))]
    proposals = [
        Proposal(7, "replace", "a", None, "States may share data.", FRA, "Amendment 7"),
        Proposal(5, "replace", "a", "Aim", "States shall share data.", KEN, "Amendment 5"),
        Proposal(9, "delete", "a", None, "", SEC, "Amendment 9"),
        Proposal(8, "insert", "a", "Next", "Another clause.", FRA, "Amendment 8"),
    ]
    (clause,) = proposed(clauses, proposals)
    assert clause.shown is not None and clause.shown.id == 5
    assert accepted(clause.text) == "States shall share data." and accepted(clause.heading) == " Aim"
    assert [a.proposal.id for a in clause.alternatives] == [7, 9]
    assert accepted(clause.alternatives[0].text) == "States may share data." and clause.alternatives[1].text == ()
    assert [i.proposal.id for i in clause.insertions] == [8] and clause.insertions[0].heading == (
        Run("insert", "Next", FRA),
    )


def test_a_deletion_in_place_deletes_the_clause_and_its_paragraph_marks() -> None:
    (clause,) = proposed([("a", State("1", "", "Text."))], [Proposal(1, "delete", "a", None, "", KEN, "")])
    assert clause.mark == KEN and clause.text == (Run("delete", "Text.", KEN),) and accepted(clause.text) == ""


def test_a_clause_added_then_renumbered_is_wholly_on_the_account_of_who_added_it() -> None:
    history = History(None, (Step(State("2", "", "New."), FRA), Step(State("3", "", "New."), SEC)))
    clause = clause_redline("n", history, SEC)
    assert (
        clause.mark == FRA
        and clause.number == (Run("insert", "3", FRA),)
        and clause.text == (Run("insert", "New.", FRA),)
    )
