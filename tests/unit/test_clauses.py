"""Finding a draft's clauses in typed text and Markdown, and the secretariat's corrections before
saving, with plain values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consensus.core.clauses import (
    Block,
    Draft,
    DraftClause,
    DraftCorrectionRefused,
    find_clauses,
    merge_with_next,
    paragraphs,
    parse_markdown,
    parse_plain_text,
    renumber,
    set_heading,
    set_number,
    split_clause,
)
from consensus.core.documents import draft_problems
from consensus.core.tally import ENGLISH

TYPED = """Draft Declaration on Cyber Cooperation

Preamble

Recognising that cyber threats pay no attention to borders,
and that no State can address them alone,

Common standards
1. States should devise common standards for:
(a) encryption;
(b) data protection;
- critical infrastructure.

2. Information sharing
CERTs should share indicators of compromise.

2.1 Real-time exchange helps pre-empt incidents.

Article 4
Capacity building

Developed States should train less capable partners.
"""


def said(draft: Draft) -> tuple[str, ...]:
    """The draft's notes in English."""
    return tuple(ENGLISH.phrase(note) for note in draft.notes)


def test_typed_text_gives_the_clauses_a_reader_sees() -> None:
    draft = parse_plain_text(TYPED)
    assert draft.title == "Draft Declaration on Cyber Cooperation"
    assert draft.clauses == (
        DraftClause(
            "0",
            "Preamble",
            "Recognising that cyber threats pay no attention to borders, and that no State can address them alone,",
        ),
        DraftClause(
            "1",
            "Common standards",
            "States should devise common standards for:\n\n(a) encryption;\n(b) data protection;\n- critical infrastructure.",
        ),
        DraftClause("2", "Information sharing", "CERTs should share indicators of compromise."),
        DraftClause("2.1", "", "Real-time exchange helps pre-empt incidents."),
        DraftClause("4", "Capacity building", "Developed States should train less capable partners."),
    )
    assert said(draft) == ("Clauses without a number in the file were given one: 0.",)


def test_a_title_given_replaces_a_first_line_that_is_the_same() -> None:
    draft = parse_plain_text("Draft declaration\n\n1. States cooperate.", title="draft declaration")
    assert draft.title == "draft declaration"
    assert draft.clauses == (DraftClause("1", "", "States cooperate."),)


def test_a_title_alone_gives_no_preamble() -> None:
    assert [c.number for c in parse_plain_text("Title\n\n1. One.\n\n2. Two.").clauses] == ["1", "2"]


def test_letters_start_clauses_when_the_document_has_no_numbers() -> None:
    draft = parse_plain_text("Title\n\n(a) States cooperate.\n\n(b) States share.")
    assert [(c.number, c.text) for c in draft.clauses] == [("(a)", "States cooperate."), ("(b)", "States share.")]


def test_a_text_without_any_number_is_numbered_in_order_with_a_note() -> None:
    draft = parse_markdown("# Title\n\n## Standards\n\nStates agree.\n\n## Sharing\n\nCERTs share.\n")
    assert [(c.number, c.heading, c.text) for c in draft.clauses] == [
        ("1", "Standards", "States agree."),
        ("2", "Sharing", "CERTs share."),
    ]
    assert said(draft) == ("The file numbers no clause: they were numbered 1 to 2 in order.",)


def test_a_number_used_twice_is_noted_not_renumbered() -> None:
    draft = parse_plain_text("Title\n\n1. One.\n\n1. Again one.")
    assert [c.number for c in draft.clauses] == ["1", "1"]
    assert said(draft) == ("Clause number 1 is used 2 times: give each clause its own number before saving.",)


def test_markdown_headings_with_numbers_and_nested_lists() -> None:
    draft = parse_markdown(
        "# Draft\n\nIntro text.\n\n## 1. Purpose\n\nStates agree.\n\n## Operative part\n\n"
        "2. First **clause**\n   wrapped here.\n3. Second clause\n   - bullet one\n     1. nested number\n"
    )
    assert [(c.number, c.heading, c.text) for c in draft.clauses] == [
        ("0", "", "Intro text."),
        ("1", "Purpose", "States agree."),
        ("2", "Operative part", "First clause wrapped here."),
        ("3", "", "Second clause\n\n- bullet one\n1. nested number"),
    ]


def test_footnotes_and_tables_from_blocks_end_their_clause_with_notes() -> None:
    blocks = [
        Block("title", "Declaration"),
        Block("list_item", "States share[1].", 0, "1.", ("[1] Through CERTs.",)),
        Block("table_row", "Channel | Time"),
    ]
    draft = find_clauses(blocks)
    assert draft.clauses == (DraftClause("1", "", "States share[1].\n\nChannel | Time\n\n[1] Through CERTs."),)
    assert said(draft) == (
        'Clause 1: a table was kept as lines, one per row, its cells separated by " | ".',
        "Clause 1: footnotes [1] were moved to the end of the clause.",
    )


DRAFT = Draft(
    "Declaration",
    (
        DraftClause("1", "Purpose", "First paragraph.\n\nSecond paragraph."),
        DraftClause("2", "", "- a\n- b"),
        DraftClause("3", "Scope", "Third."),
    ),
)


def test_merging_a_clause_with_the_next_keeps_its_number_and_heading() -> None:
    merged = merge_with_next(DRAFT, 1)
    assert merged.clauses[1] == DraftClause("2", "", "- a\n- b\n\nThird.")
    assert len(merged.clauses) == 2


def test_splitting_a_clause_gives_the_rest_a_free_sub_number() -> None:
    split = split_clause(DRAFT, 0, 1)
    assert split.clauses[:2] == (
        DraftClause("1", "Purpose", "First paragraph."),
        DraftClause("1.1", "", "Second paragraph."),
    )


@pytest.mark.parametrize(
    "correction",
    [
        lambda: merge_with_next(DRAFT, 2),
        lambda: merge_with_next(DRAFT, -1),
        lambda: split_clause(DRAFT, 2, 1),
        lambda: split_clause(DRAFT, 0, 0),
        lambda: set_heading(DRAFT, 3, "x"),
        lambda: set_number(DRAFT, 7, "x"),
    ],
)
def test_a_correction_on_a_clause_or_paragraph_that_does_not_exist_is_refused(correction) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DraftCorrectionRefused) as refused:
        correction()
    assert refused.value.refusal.kind == "invalid"


def test_renumbering_keeps_depth_and_words_and_counts_letters_on_their_own() -> None:
    draft = Draft(
        "T",
        tuple(
            DraftClause(n, "", "x")
            for n in ["0", "3", "3.4", "3.9", "7", "Article 9", "Article 2", "(c)", "(a)", "Annex"]
        ),
    )
    assert [c.number for c in renumber(draft).clauses] == [
        "0", "1", "1.1", "1.2", "2", "Article 3", "Article 4", "(a)", "(b)", "Annex"
    ]  # fmt: skip


def test_set_heading_and_set_number_change_one_clause() -> None:
    changed = set_number(set_heading(DRAFT, 2, " Final provisions "), 2, "4")
    assert changed.clauses[2] == DraftClause("4", "Final provisions", "Third.")
    assert changed.clauses[:2] == DRAFT.clauses[:2]


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (Draft("", DRAFT.clauses), "title"),
        (Draft("x" * 301, DRAFT.clauses), "title"),
        (Draft("T", ()), "clauses"),
        (Draft("T", tuple(DraftClause(str(n), "", "x") for n in range(1001))), "clauses"),
        (Draft("T", (DraftClause("1", "", "x"), DraftClause(" ", "", "y"))), "clauses.1.number"),
        (Draft("T", (DraftClause("1" * 33, "", "x"),)), "clauses.0.number"),
        (Draft("T", (DraftClause("2", "", "x"), DraftClause("2", "", "y"))), "clauses.1.number"),
        (Draft("T", (DraftClause("2", "h" * 301, "x"),)), "clauses.0.heading"),
        (Draft("T", (DraftClause("2", "", "x" * 20_001),)), "clauses.0.text"),
    ],
)
def test_a_draft_is_saved_only_when_its_title_and_clauses_fit(draft: Draft, field: str) -> None:
    assert draft_problems(DRAFT) == []
    assert field in {problem.field for problem in draft_problems(draft)}


def test_a_treaty_numbered_by_articles_can_be_saved_as_found() -> None:
    found = parse_plain_text("Convention\n\nArticle 1\nThe first.\n\nArticle 2: Scope\nThe second.\n")
    assert [c.number for c in found.clauses] == ["1", "2"]
    assert draft_problems(found) == []


paragraph = st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P")), min_size=1, max_size=20).filter(
    lambda t: t.strip() == t and t
)
clause_text = st.lists(paragraph, min_size=1, max_size=4).map("\n\n".join)


@given(first=clause_text, second=clause_text, heading=st.text(max_size=10))
def test_merging_then_splitting_at_the_same_paragraph_gives_back_the_draft(
    first: str, second: str, heading: str
) -> None:
    draft = Draft("T", (DraftClause("1", "", first), DraftClause("2", heading, second), DraftClause("3", "", "x")))
    merged = merge_with_next(draft, 0)
    assert split_clause(merged, 0, len(paragraphs(first)), number="2", heading=heading) == draft


@given(st.lists(st.sampled_from(["1", "1.1", "2", "2.1", "2.1.1", "Article 5", "(b)"]), min_size=1, max_size=12))
def test_renumbering_twice_changes_nothing_more(numbers: list[str]) -> None:
    draft = Draft("T", tuple(DraftClause(n, "", "x") for n in numbers))
    once = renumber(draft)
    assert renumber(once) == once
    assert [n.count(".") for n in (c.number for c in once.clauses)] == [n.count(".") for n in numbers]
