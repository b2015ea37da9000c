"""How deep a JSON body nests, counted before the decoder (which recurses once per level) sees it."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from consensus.web.bodies import nests_deeper_than


def nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def test_the_limit_itself_is_accepted_and_one_more_level_is_not() -> None:
    assert not nests_deeper_than(nested(32), 32)
    assert nests_deeper_than(nested(33), 32)
    assert nests_deeper_than(b'{"a": ' * 33 + b"1" + b"}" * 33, 32)


def test_brackets_inside_strings_are_text() -> None:
    body = json.dumps({"text": "[" * 1000 + '\\"{' * 500, "list": [[1], [2]]}).encode()
    assert not nests_deeper_than(body, 32)


def test_brackets_never_closed_still_count() -> None:
    assert nests_deeper_than(b"[" * 100_000, 32)
    assert nests_deeper_than(b"[" * 10 + nested(30), 32)


def test_many_shallow_structures_are_fine() -> None:
    assert not nests_deeper_than(json.dumps([[[i]] for i in range(50_000)]).encode(), 32)


json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab'),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=60,
)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@given(json_values, st.integers(min_value=0, max_value=8))
def test_the_count_is_exact_for_well_formed_json(value: object, limit: int) -> None:
    assert nests_deeper_than(json.dumps(value).encode(), limit) == (depth(value) > limit)
