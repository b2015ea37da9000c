"""Alternatives in a clause: the shapes negotiators write them in, what is not a set, and
resolving a set to one option without touching the rest of the clause."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consensus.core.alternatives import find_alternatives, resolve, resolve_all, set_in


def options_of(text: str) -> list[tuple[str, list[str]]]:
    return [(s.kind, [o.text for o in s.options]) for s in find_alternatives(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("report [within 24 hours] [within 72 hours].", [("brackets", ["within 24 hours", "within 72 hours"])]),
        ("States [shall][should] cooperate.", [("brackets", ["shall", "should"])]),
        ("within [24][72] hours", [("brackets", ["24", "72"])]),
        ("States [shall] / [should] cooperate.", [("brackets", ["shall", "should"])]),
        ("States [shall] or [may] act.", [("brackets", ["shall", "may"])]),
        ("[one] [two] [three]", [("brackets", ["one", "two", "three"])]),
        ("States [ shall ] [ should ] act", [("brackets", ["shall", "should"])]),
        ("States [should] cooperate.", [("bracketed", ["should", ""])]),
        ("[States should cooperate.]", [("bracketed", ["States should cooperate.", ""])]),
        ("Alt 1: within 24 hours / Alt 2: within 72 hours", [("labelled", ["within 24 hours", "within 72 hours"])]),
        ("Option A: Text one.\nOption B: Text two.", [("labelled", ["Text one.", "Text two."])]),
        ("Option 1. One\nOption 2. Two\nOption 3. Three", [("labelled", ["One", "Two", "Three"])]),
        ("Alternative 1 – keep it; Alternative 2 – drop it", [("labelled", ["keep it", "drop it"])]),
        ("Alt. 1: a\n\nAlt. 2: b", [("labelled", ["a", "b"])]),
    ],
)
def test_the_shapes_negotiators_write_are_found(text: str, expected: list[tuple[str, list[str]]]) -> None:
    assert options_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "No brackets at all.",
        "See note [1] and [a] and [iv].",
        "Empty [] and [ ] brackets.",
        "The text [...] continues [sic] and […].",
        "States [shall [not]] act.",
        "An unclosed [bracket here [and] there",
        "A stray ] closes nothing [a",
        "Option 1 is preferred by many.",
        "Alt 2: a second without a first\nAlt 3: and a third",
        "Option A: one\nAlternative B: another word",
        "[]",
    ],
)
def test_what_is_not_a_set_of_alternatives_is_not_taken_for_one(text: str) -> None:
    assert find_alternatives(text) == ()


def test_brackets_that_nest_on_one_line_leave_the_other_lines_alone() -> None:
    text = "States [shall [not]] act.\nThey [should] [must] report."
    assert options_of(text) == [("brackets", ["should", "must"])]


def test_sets_are_numbered_in_reading_order_and_options_lettered() -> None:
    text = "[aa] [bb] then [cc]\nOption A: x\nOption B: y"
    sets = find_alternatives(text)
    assert [s.index for s in sets] == [1, 2, 3]
    assert [[o.label for o in s.options] for s in sets] == [["A", "B"], ["A", "B"], ["A", "B"]]
    assert set_in(text, 2) == sets[1]
    assert set_in(text, 4) is None and set_in(text, 0) is None


def test_option_spans_point_at_their_text() -> None:
    text = "Each State [within 24 hours] / [within 72 hours]."
    for option in find_alternatives(text)[0].options:
        assert text[option.start : option.end] == option.text


@pytest.mark.parametrize(
    ("text", "number", "expected"),
    [
        ("report [within 24 hours] [within 72 hours].", 2, "report within 72 hours."),
        ("States [shall] / [should] cooperate.", 1, "States shall cooperate."),
        ("States [should] cooperate.", 1, "States should cooperate."),
        ("States [should] cooperate.", 2, "States cooperate."),
        ("States cooperate [in good faith].", 2, "States cooperate."),
        ("[In good faith] States cooperate.", 2, "States cooperate."),
        ("States should [, as appropriate,] cooperate", 1, "States should, as appropriate, cooperate"),
        ("Alt 1: within 24 hours / Alt 2: within 72 hours", 2, "within 72 hours"),
        ("Intro.\nOption A: One.\nOption B: Two.\nAfter.", 2, "Intro.\nTwo.\nAfter."),
    ],
)
def test_resolving_a_set_leaves_the_chosen_text_with_right_spacing(text: str, number: int, expected: str) -> None:
    assert resolve(text, find_alternatives(text)[0], number) == expected


def test_resolving_several_sets_keeps_each_span_valid() -> None:
    text = "States [shall] [should] report [promptly] [within 72 hours]."
    first, second = find_alternatives(text)
    assert resolve_all(text, [(first, 2), (second, 1)]) == "States should report promptly."


def test_an_option_that_does_not_exist_is_refused() -> None:
    text = "[aa] [bb]"
    with pytest.raises(ValueError):
        resolve(text, find_alternatives(text)[0], 3)


_words = st.text(alphabet="abc xyz,.;()/\n", max_size=30)
# Options of two letters or more: a single letter in brackets is a footnote mark, not a set.
_option = st.text(alphabet="bdefgh ,.", min_size=2, max_size=12).filter(lambda text: len(text.strip()) >= 2)
_options = st.lists(_option, min_size=1, max_size=4)
_separators = st.sampled_from([" ", "", " / ", " or ", "  "])


@given(_words, _options, _separators, _words, st.data())
def test_resolving_never_touches_text_outside_the_set(
    before: str, options: list[str], separator: str, after: str, data: st.DataObject
) -> None:
    middle = separator.join(f"[{option}]" for option in options)
    text = f"{before} {middle} {after}"
    sets = find_alternatives(text)
    chosen = next(s for s in sets if text[s.start : s.end] == middle)
    number = data.draw(st.integers(1, len(chosen.options)))
    resolved = resolve(text, chosen, number)
    head, tail = text[: chosen.start], text[chosen.end :]
    # At most one space beside the set goes with a deletion (or before a leading comma).
    assert resolved.startswith(head[:-1]) and resolved.endswith(tail[1:])
    assert len(resolved) >= len(head) - 1 + len(tail) - 1
    kept = resolved[len(head) - 1 : len(resolved) - len(tail) + 1]
    assert "[" not in kept and "]" not in kept
    assert chosen.options[number - 1].text in resolved


@given(st.text(alphabet="ab[] /or\nAltOption12:", max_size=60))
def test_every_set_found_resolves_to_each_of_its_options_without_an_error(text: str) -> None:
    for found in find_alternatives(text):
        assert len(found.options) >= 2
        for number in range(1, len(found.options) + 1):
            resolved = resolve(text, found, number)
            assert resolved.startswith(text[: max(found.start - 1, 0)])
            assert resolved.endswith(text[found.end + 1 :])
