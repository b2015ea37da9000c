"""Word-level diffs: nothing lost, words counted, punctuation and spacing kept."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
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


VOCABULARY = ["States", "should", "share", "information", "on", "incidents", "within", "72", "hours", "the", "of", ","]


def long_text(seed: int, characters: int = 100_000) -> str:
    import random

    chooser = random.Random(seed)
    return " ".join(chooser.choice(VOCABULARY) for _ in range(characters // 4))[:characters]


def every_nth_word_changed(text: str, n: int) -> str:
    words = text.split(" ")
    return " ".join("changed" if i % n == 0 else word for i, word in enumerate(words))


def test_a_long_text_is_compared_in_well_under_a_second_of_cpu() -> None:
    """A 100,000-character text against changed versions of it (the cost once grew with the square
    of the length: minutes of CPU for one preview)."""
    import time

    old = long_text(1)
    changed = {
        "scattered words": every_nth_word_changed(old, 50),
        "one insertion": old[:50_000] + " new words " + old[50_000:],
        "words reversed": " ".join(reversed(old.split(" "))),
        "everything replaced": "x " * 50_000,
        "everything deleted": "",
    }
    for shape, new in changed.items():
        started = time.process_time()
        diff = word_diff(old, new)
        spent = time.process_time() - started
        assert spent < 1.0, f"{shape}: {spent:.2f} s of CPU"
        assert old_text(diff) == old and new_text(diff) == new, shape


def test_a_long_text_still_shows_each_changed_word() -> None:
    clause = (
        "States should cooperate, in a manner consistent with national law, to exchange information on threats "
        "and incidents affecting critical infrastructure {n}, and to offer assistance on request. "
    )
    old = "".join(clause.format(n=n) for n in range(400))
    new = old.replace("infrastructure 17,", "infrastructure 17 promptly,").replace(
        "request. States", "request. All States", 1
    )
    diff = word_diff(old, new)
    assert (diff.inserted_words, diff.deleted_words) == (2, 0)
    assert [s.text for s in diff.segments if s.op != "equal"] == ["All ", " promptly"]


long_sentences = st.lists(st.sampled_from([*VOCABULARY, " ", ".", "\n"]), min_size=220, max_size=500).map("".join)


@settings(max_examples=25, deadline=None)
@given(long_sentences, long_sentences)
def test_long_texts_can_be_rebuilt_from_the_diff(old: str, new: str) -> None:
    diff = word_diff(old, new)
    assert old_text(diff) == old and new_text(diff) == new
    assert all(a.op != b.op for a, b in itertools.pairwise(diff.segments))
