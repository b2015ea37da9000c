"""The ISO commenting template's columns and cells read back as national bodies type them."""

from __future__ import annotations

from consensus.core.comment import import_refusal
from consensus.core.commentform import (
    COLUMNS,
    FORM_COLUMNS,
    FormRow,
    clause_number,
    column_of,
    comment_kind,
    form_row,
    header_positions,
    mb_code,
    paragraph_with_line,
    squash,
)
from consensus.core.spreadsheet import inert, typed

TEMPLATE_2012 = [
    "MB/NC1",
    "Line number\n(e.g. 17)",
    "Clause/ Subclause\n(e.g. 3.1)",
    "Paragraph/ Figure/ Table/\n(e.g. Table 1)",
    "Type of comment2",
    "Comments",
    "Proposed change",
    "Observations of the secretariat",
]
FORM_13B = [
    "MB¹",
    "Clause/Subclause/Annex/Figure/Table(e.g. 3.1, Table 2)",
    "Paragraph/List item/Note/(e.g. Note 2)",
    "Type of com-ment²",
    "Comment (justification for change)",
    "Proposed change",
    "Secretariat observations on each comment submitted",
]


def test_the_word_form_has_the_eight_columns_of_the_2012_template_in_order() -> None:
    assert [c.heading for c in FORM_COLUMNS] == [
        "MB/NC",
        "Line number",
        "Clause/Subclause",
        "Paragraph/Figure/Table",
        "Type of comment",
        "Comments",
        "Proposed change",
        "Observations of the secretariat",
    ]
    assert sum(c.form_width for c in FORM_COLUMNS) == 15876  # the template's table, in twips
    assert [c.heading for c in COLUMNS if not c.in_form] == ["Comment ID", "Version"]


def test_headings_are_recognised_by_their_words_with_footnote_marks_and_examples() -> None:
    assert squash("Type of com-ment²") == "typeofcomment"
    assert squash("Clause/ Subclause\n(e.g. 3.1)") == "clause/subclause"
    assert header_positions(TEMPLATE_2012) == {
        "mb": 0,
        "line": 1,
        "clause": 2,
        "paragraph": 3,
        "type": 4,
        "comments": 5,
        "proposed_change": 6,
        "observations": 7,
    }
    assert header_positions(FORM_13B) == {
        "mb": 0,
        "clause": 1,
        "paragraph": 2,
        "type": 3,
        "comments": 4,
        "proposed_change": 5,
        "observations": 6,
    }
    assert column_of("Comment ID") == "comment_id" and column_of("Comments") == "comments"
    assert header_positions(["US-001", "", "3.1", "", "ge", "Unclear.", "Say so.", ""]) is None


def test_a_row_is_read_through_the_header_and_short_rows_are_padded() -> None:
    positions = header_positions(FORM_13B)
    assert positions is not None
    assert form_row([" KEN ", "3.2", "", "te"], positions) == FormRow(mb="KEN", clause="3.2", type="te")
    assert FormRow(mb="KEN").blank() and not FormRow(comments="x").blank()


def test_clause_references_are_matched_as_people_write_them() -> None:
    numbers = ["1", "2", "3", "3.1", "3.2", "10"]
    for written, number in [
        ("3", "3"),
        ("3.", "3"),
        ("Clause 3", "3"),
        ("clause 3.2", "3.2"),
        ("Subclause 3.1.", "3.1"),
        ("§ 10", "10"),
        (" 3.2 ", "3.2"),
    ]:
        assert clause_number(written, numbers) == number, written
    for unknown in ["", "4", "3.3", "General", "whole document", "3.2.1"]:
        assert clause_number(unknown, numbers) is None, unknown
    assert clause_number("3", ["3."]) == "3."


def test_types_of_comment_are_codes_or_words_in_any_case() -> None:
    assert [comment_kind(t) for t in ["ge", "TE", "Ed.", "editorial", "Technical"]] == [
        "general",
        "technical",
        "editorial",
        "editorial",
        "technical",
    ]
    assert [comment_kind(t) for t in ["", "te/ed", "major"]] == [None, None, None]


def test_the_member_body_code_is_the_head_of_the_cell_and_lines_join_the_paragraph() -> None:
    assert [mb_code(c) for c in ["KEN", "us-001", "DE 01-002", "**"]] == ["KEN", "US", "DE", "**"]
    assert paragraph_with_line("2", "17") == "2, line 17"
    assert paragraph_with_line("", "17") == "line 17"
    assert paragraph_with_line("Table 1", "") == "Table 1"


def test_a_neutralised_cell_reads_back_as_typed() -> None:
    for cell in ["=1+1", "-3.2", "@SUM(A1)", "plain", "", "'quoted"]:
        assert typed(inert(cell)) == cell


def test_the_secretariat_imports_for_a_delegation_it_names_and_a_delegate_for_their_own() -> None:
    assert import_refusal("secretariat", "", "KEN") is None
    refusal = import_refusal("secretariat", "", "")
    assert refusal is not None and refusal.kind == "invalid" and refusal.field == "delegation"
    assert import_refusal("delegate", "KEN", "") is None
    assert import_refusal("delegate", "KEN", "ken") is None
    assert getattr(import_refusal("delegate", "KEN", "IND"), "kind", None) == "forbidden"
    assert getattr(import_refusal("chair", "", "KEN"), "kind", None) == "forbidden"
    assert getattr(import_refusal("observer", "", ""), "kind", None) == "forbidden"
