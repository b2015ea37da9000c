"""The summary of proceedings, written from plain values: attendance, speakers with their time,
rounds with what their stored result shows, the clauses agreed; and who may change it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

from markdown_it import MarkdownIt

from consensus.core import proceedings as p
from consensus.core.disclosure import disclose
from consensus.core.tally import Voter, Words, builtin_rule, result_to_dict, tally

START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
END = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def stored(rule: str, ballots: dict[str, str], secret: bool = False, codes: str = "ABCDEFG") -> dict[str, object]:
    """A round's stored result, as closing a round stores it (secret: only what disclosure allows)."""
    r = builtin_rule(rule)
    voters = [Voter(code, Decimal(1), "participating") for code in codes]
    result = tally(r, voters, ballots)
    if not secret:
        return result_to_dict(result, r, Fraction(0))
    shown = disclose(r, voters, [v for v in voters if v.code in ballots], result, Fraction(0)).shown
    return result_to_dict(result, r, Fraction(0), shown=shown)


def meeting(**changes: object) -> p.MeetingHeld:
    values: dict[str, object] = {
        "title": "Third session, morning",
        "group": "Open-ended Working Group",
        "starts_at": START,
        "ends_at": END,
        "place": "Conference Room 4",
        "present": ("Kenya", "India"),
        "absent": ("Brazil",),
        "items": (
            p.ItemHeld(
                "Clause 3 on CERT cooperation",
                status="done",
                document="Draft declaration",
                clauses="3.1–3.2",
                turns=(
                    p.Turn("Kenya", seconds=190),
                    p.Turn("India", "point_of_order", 20),
                    p.Turn("Kenya", seconds=60),
                ),
                rounds=(p.RoundHeld(4, "Consensus on 3.2", "closed", stored("consensus", {"A": "support"})),),
            ),
            p.ItemHeld("Any other business"),
        ),
        "agreed": (p.AgreedClauses("Draft declaration", ("3.1", "3.2")),),
    }
    values.update(changes)
    return p.MeetingHeld(**values)  # type: ignore[arg-type]


def test_the_summary_names_who_was_present_and_who_was_absent() -> None:
    text = p.summary(meeting())
    assert "Present: Kenya, India." in text
    assert "Absent: Brazil." in text
    assert text.startswith("# Summary of proceedings: Third session, morning\n")
    assert "Conference Room 4" in text


def test_a_meeting_without_a_roll_call_says_so() -> None:
    assert "No roll call was taken." in p.summary(meeting(present=(), absent=()))


def test_each_item_lists_its_speakers_with_their_time_and_the_kind_of_turn() -> None:
    text = p.summary(meeting())
    assert "Speakers: Kenya (3 min 10 s), India (point of order, 20 s), Kenya (1 min)." in text
    assert "On Draft declaration, clauses 3.1–3.2." in text


def test_an_item_not_taken_up_says_so_and_lists_nobody() -> None:
    text = p.summary(meeting())
    item = text.split("### 2\\. Any other business")[1]
    assert "Not taken up." in item.split("##")[0]
    assert "Speakers" not in item.split("##")[0]


def test_a_closed_round_gives_its_reason_and_an_open_one_says_it_is_open() -> None:
    text = p.summary(meeting())
    assert "- Round 4 (Consensus on 3.2): Passed: " in text
    item = p.ItemHeld("Vote", status="current", rounds=(p.RoundHeld(5, "Vote on 4.1", "open"),))
    assert "Round 5 (Vote on 4.1): still open when this summary was written." in p.summary(meeting(items=(item,)))


def test_a_secret_round_shows_only_what_its_disclosure_allows() -> None:
    # Two of three voted yes under simple majority: the counts would tell who voted how.
    result = stored("simple_majority", {"A": "yes", "B": "yes"}, secret=True, codes="ABC")
    assert result["withheld"], "the premise: this round withholds its figures"
    line = p.round_line(p.RoundHeld(7, "Secret vote", "closed", result), p.Wording())
    assert "withheld to keep the ballot secret" in line
    assert "2 yes" not in line


def test_the_clauses_agreed_are_listed_per_document() -> None:
    assert "- Draft declaration: 3.1, 3.2" in p.summary(meeting())
    assert "## Clauses agreed ad referendum\n\nNone." in p.summary(meeting(agreed=()))


def test_a_clause_agreed_then_reopened_in_the_same_sitting_is_not_agreed() -> None:
    changes = [
        ("Decl", "3.1", "agreed_ad_ref"),
        ("Decl", "3.2", "agreed_ad_ref"),
        ("Decl", "3.1", "open"),
        ("Other", "1", "agreed_ad_ref"),
    ]
    assert p.agreed_during(changes) == [p.AgreedClauses("Decl", ("3.2",)), p.AgreedClauses("Other", ("1",))]


def test_time_on_the_floor_is_summed_per_delegation_longest_first() -> None:
    assert p.speaking_times(meeting().items) == [("Kenya", 250), ("India", 20)]
    assert "- Kenya: 4 min 10 s\n- India: 20 s" in p.summary(meeting())


def test_the_summary_is_written_in_the_readers_language() -> None:
    french = {"Present: {names}.": "Présents : {names}.", "{minutes} min {seconds} s": "{minutes} min {seconds} s"}
    wording = p.Wording(Words(lambda text: french.get(text, text)), lambda value: value.strftime("%d/%m/%Y %H:%M"))
    text = p.summary(meeting(), wording)
    assert "Présents : Kenya, India." in text
    assert "02/12/2026 09:00" in text


PAYLOADS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "![x](https://evil.example/x.png)",
    "# heading",
    "- list",
    "1. list",
    "> quote",
    "**bold** _em_ `code`",
    "&lt;script&gt;",
    "<img src=x onerror=alert(1)>",
]


def test_typed_text_stays_inert_in_the_markdown() -> None:
    for payload in PAYLOADS:
        text = p.summary(
            meeting(
                title=payload,
                place=payload,
                present=(payload,),
                items=(p.ItemHeld(payload, "done", payload, "", (p.Turn(payload, seconds=5),)),),
                agreed=(p.AgreedClauses(payload, (payload,)),),
            )
        )
        html = MarkdownIt("commonmark", {"html": False}).render(text)
        for tag in ("<script", "<img", "<a ", "<strong", "<em", "<code", "<blockquote", "<ol", "<h1>#"):
            assert tag not in html.replace("<h1>Summary", ""), (payload, tag, html)
        assert html.count("<h1>") == 1 and html.count("<ul>") == 2, (payload, html)


def test_only_the_secretariat_changes_the_summary_until_it_is_published() -> None:
    assert p.editing_refusal("secretariat", published=False) is None
    refused = p.editing_refusal("chair", published=False)
    assert refused is not None and refused.kind == "forbidden"
    published = p.editing_refusal("secretariat", published=True)
    assert published is not None and published.kind == "conflict"


def test_members_read_the_summary_once_it_is_published() -> None:
    assert p.reading_refusal("delegate", published=True) is None
    assert p.reading_refusal("chair", published=False) is None
    refused = p.reading_refusal("observer", published=False)
    assert refused is not None and refused.kind == "forbidden"
