"""Word-level diffs: nothing lost, words counted, punctuation and spacing kept."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from consensus.core.diff import Segment, new_text, old_text, tokens, word_diff

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
sentences = st.lists(
    st.sampled_from(["States", "should", "shall", "share", "24", "72", "hours", ",", ".", " ", "\n"]), max_size=40
).map("".join)


@given(texts, texts)
def test_both_texts_can_be_rebuilt_from_the_diff(old: str, new: str) -> None:
    diff = word_diff(old, new)
    assert old_text(diff) == old
    assert new_text(diff) == new


@given(sentences, sentences)
def test_adjacent_segments_never_share_an_operation(old: str, new: str) -> None:
    segments = word_diff(old, new).segments
    assert all(a.op != b.op for a, b in itertools.pairwise(segments))


@given(texts)
def test_a_text_compared_with_itself_has_no_change(text: str) -> None:
    diff = word_diff(text, text)
    assert not diff.changed
    assert diff.inserted_words == diff.deleted_words == 0


def test_changed_words_are_marked_and_counted() -> None:
    diff = word_diff(
        "States should share information within 24 hours.",
        "States shall share threat information within 72 hours.",
    )
    assert diff.segments == (
        Segment("equal", "States "),
        Segment("delete", "should"),
        Segment("insert", "shall"),
        Segment("equal", " share"),
        Segment("insert", " threat"),
        Segment("equal", " information within "),
        Segment("delete", "24"),
        Segment("insert", "72"),
        Segment("equal", " hours."),
    )
    assert (diff.inserted_words, diff.deleted_words) == (3, 2)


def test_tokens_keep_every_character() -> None:
    text = "Art. 3(b) — “CERTs”, e.g. 24/7!\n\tNext"
    assert "".join(tokens(text)) == text
