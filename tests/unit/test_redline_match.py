"""Matching the clauses of a delegate's Word file to the version's, and the amendments found."""

from consensus.core.clauses import DraftClause
from consensus.core.redline_match import match_redline, normalized, other_text_refusal, same_clauses
from consensus.errors import refusal_text

VERSION = (
    DraftClause("1", "Scope", "This declaration applies to cyber incidents affecting critical infrastructure."),
    DraftClause("2", "Sharing", "States should share technical indicators of compromise with one another."),
    DraftClause("3", "Response", "National CERTs should respond to requests for assistance within 72 hours."),
    DraftClause("4", "Capacity", "States should support capacity building in developing countries."),
)


def kinds(found):
    return [(a.kind, a.clause, a.text) for a in found.amendments]


def test_the_same_text_gives_no_amendment():
    assert match_redline(VERSION, VERSION).amendments == ()


def test_a_changed_clause_is_a_replacement_with_the_text_read():
    read = (VERSION[0], DraftClause("2", "Sharing", "States shall share indicators with one another."), *VERSION[2:])
    assert kinds(match_redline(read, VERSION)) == [("replace", "2", "States shall share indicators with one another.")]


def test_a_changed_heading_alone_replaces_the_heading_and_keeps_the_text():
    read = (VERSION[0], DraftClause("2", "Information sharing", VERSION[1].text), *VERSION[2:])
    (found,) = match_redline(read, VERSION).amendments
    assert (found.kind, found.heading, found.text) == ("replace", "Information sharing", VERSION[1].text)


def test_a_missing_clause_is_a_deletion():
    read = (VERSION[0], VERSION[1], VERSION[3])
    assert kinds(match_redline(read, VERSION)) == [("delete", "3", "")]


def test_a_new_clause_is_inserted_after_the_clause_before_it_even_when_the_rest_is_renumbered():
    new = DraftClause("3", "Points of contact", "Each State should name a point of contact.")
    renumbered = [DraftClause(str(int(c.number) + 1), c.heading, c.text) for c in VERSION[2:]]
    found = match_redline((VERSION[0], VERSION[1], new, *renumbered), VERSION)
    assert kinds(found) == [("insert", "2", "Each State should name a point of contact.")]
    assert found.amendments[0].number == "3" and found.amendments[0].heading == "Points of contact"


def test_a_renumbered_clause_that_was_also_edited_is_matched_by_its_words():
    edited = DraftClause("5", "Capacity", VERSION[3].text.replace("developing", "least developed"))
    found = match_redline((*VERSION[:3], edited), VERSION)
    assert kinds(found) == [("replace", "4", edited.text)]


def test_a_clause_moved_elsewhere_is_deleted_where_it_was_and_inserted_where_it_now_stands():
    found = match_redline((VERSION[0], VERSION[2], VERSION[1], VERSION[3]), VERSION)
    assert sorted(a.kind for a in found.amendments) == ["delete", "insert"]
    assert {a.text for a in found.amendments if a.kind == "insert"} <= {VERSION[1].text, VERSION[2].text}


def test_whitespace_and_word_typography_are_no_change():
    quirky = (
        DraftClause(
            "1", "Scope", "This declaration\u00a0applies to cyber incidents  affecting critical infra\u00adstructure. "
        ),
        DraftClause("2", "Sharing", "States should share technical indicators of compromise with one\u00a0another."),
        DraftClause("3", "Response", "National CERTs should respond to requests for assistance within 72\u202fhours."),
        DraftClause("4", " Capacity", "States should support capacity\u200b building in developing countries."),
    )
    assert match_redline(quirky, VERSION).amendments == ()
    assert normalized("\u201cStates\u201d\u2019 cyber\u2011security") == '"States"\' cyber-security'


def test_text_not_numbered_as_a_clause_is_listed_not_proposed():
    preamble = DraftClause("0", "", "Note from the capital: please see our changes.")
    found = match_redline((preamble, *VERSION), VERSION, unnumbered=frozenset({0}))
    assert found.amendments == ()
    assert [u.text for u in found.unmatched] == ["Note from the capital: please see our changes."]


def test_another_document_is_refused_instead_of_proposing_everything():
    other = tuple(
        DraftClause(str(n), "", f"Completely unrelated text number {n} about fisheries.") for n in range(1, 5)
    )
    found = match_redline(other, VERSION)
    refusal = other_text_refusal(found, len(VERSION), 2)
    assert refusal is not None and "does not look like version 2" in refusal_text(refusal)
    assert other_text_refusal(match_redline(VERSION, VERSION), len(VERSION), 2) is None


def test_a_file_of_an_earlier_version_is_named():
    earlier = (*VERSION[:3], DraftClause("4", "Capacity", "Old text of four."))
    read = earlier
    found = match_redline(read, VERSION)
    refusal = other_text_refusal(found, len(VERSION), 2, {1: same_clauses(read, earlier)}, same_clauses(read, VERSION))
    assert refusal is not None and "of version 1, not of the current version 2" in refusal_text(refusal)
