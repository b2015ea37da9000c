"""The rules of the list of speakers, with plain values: who may inscribe, where an inscription goes
(points of order to the top, rights of reply at the end), one wait per delegation and kind, giving
the floor, reordering, and the time each delegation spoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from consensus.core import speakers as rules
from consensus.core.refusal import Refusal
from consensus.core.speakers import Asker, ItemFacts, SpeakerFacts

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
OPEN = ItemFacts(id=1, status="current", speakers_open=True, speaking_limit=180)
CHAIR = Asker("chair")
KEN, NGA, ZAF = 1, 2, 3


def waiting(*entries: tuple[int, str]) -> list[SpeakerFacts]:
    """Waiting speakers (delegation, kind), in this order."""
    return [SpeakerFacts(n, d, k, "waiting", n) for n, (d, k) in enumerate(entries, start=1)]


def inscribe_all(kinds: list[tuple[int, str]]) -> list[SpeakerFacts]:
    """Inscribe one after the other as the service does: each new speaker gets the positions the
    rules give."""
    speakers: list[SpeakerFacts] = []
    for number, (delegation, kind) in enumerate(kinds, start=1):
        new = SpeakerFacts(number, delegation, kind, "waiting", 0)
        placed = rules.inscribed(kind, speakers, number)
        speakers = [SpeakerFacts(s.id, s.delegation_id, s.kind, s.status, placed[s.id]) for s in [*speakers, new]]
    return speakers


def order(speakers: list[SpeakerFacts]) -> list[tuple[int, str]]:
    return [(s.id, s.kind) for s in rules.waiting(speakers)]


def test_a_delegate_inscribes_its_own_delegation_only_and_the_chair_any() -> None:
    assert rules.inscribe_refusal(Asker("delegate", KEN), OPEN, KEN, "intervention", []) is None
    refused = rules.inscribe_refusal(Asker("delegate", KEN), OPEN, NGA, "intervention", [])
    assert isinstance(refused, Refusal) and refused.kind == "forbidden"
    assert rules.inscribe_refusal(CHAIR, OPEN, NGA, "intervention", []) is None
    assert rules.inscribe_refusal(Asker("secretariat"), OPEN, NGA, "point_of_order", []) is None
    observer = rules.inscribe_refusal(Asker("observer"), OPEN, KEN, "intervention", [])
    assert observer is not None and observer.kind == "forbidden"


def test_a_closed_list_refuses_interventions_but_takes_a_point_of_order() -> None:
    closed = ItemFacts(1, "current", speakers_open=False)
    refused = rules.inscribe_refusal(Asker("delegate", KEN), closed, KEN, "intervention", [])
    assert refused is not None and refused.kind == "conflict"
    assert rules.inscribe_refusal(Asker("delegate", KEN), closed, KEN, "point_of_order", []) is None


def test_a_finished_item_takes_no_inscription_at_all() -> None:
    done = ItemFacts(1, "done", speakers_open=True)
    for kind in rules.KINDS:
        assert rules.inscribe_refusal(CHAIR, done, KEN, kind, []) is not None


def test_the_lists_of_a_meeting_that_is_over_stay_as_they_were() -> None:
    over = ItemFacts(1, "current", speakers_open=True, meeting_status="closed")
    assert rules.inscribe_refusal(CHAIR, over, KEN, "point_of_order", []) is not None
    assert isinstance(rules.next_floor(CHAIR, over, waiting((KEN, "intervention")), NOW), Refusal)
    assert rules.settings_refusal(CHAIR, over, 60) is not None


def test_a_delegation_already_waiting_with_an_intervention_cannot_inscribe_twice() -> None:
    listed = waiting((KEN, "intervention"))
    twice = rules.inscribe_refusal(Asker("delegate", KEN), OPEN, KEN, "intervention", listed)
    assert twice is not None and twice.kind == "conflict"
    assert rules.inscribe_refusal(Asker("delegate", KEN), OPEN, KEN, "point_of_order", listed) is None
    spoke = [SpeakerFacts(1, KEN, "intervention", "done", 1, NOW, NOW, 30)]
    assert rules.inscribe_refusal(Asker("delegate", KEN), OPEN, KEN, "intervention", spoke) is None


def test_a_right_of_reply_answers_another_delegation_that_has_spoken() -> None:
    nobody = rules.inscribe_refusal(Asker("delegate", KEN), OPEN, KEN, "right_of_reply", waiting((NGA, "intervention")))
    assert nobody is not None and nobody.kind == "conflict"
    only_itself = [SpeakerFacts(1, KEN, "intervention", "done", 1, NOW, NOW, 30)]
    assert rules.inscribe_refusal(Asker("delegate", KEN), OPEN, KEN, "right_of_reply", only_itself) is not None
    other_spoke = [SpeakerFacts(1, NGA, "intervention", "speaking", 1, NOW)]
    assert rules.inscribe_refusal(Asker("delegate", KEN), OPEN, KEN, "right_of_reply", other_spoke) is None


def test_an_unknown_kind_is_refused_naming_the_field() -> None:
    refused = rules.inscribe_refusal(CHAIR, OPEN, KEN, "speech", [])
    assert refused is not None and refused.kind == "invalid" and refused.field == "kind"


def test_points_of_order_go_to_the_top_after_earlier_ones_and_rights_of_reply_last() -> None:
    speakers = inscribe_all(
        [
            (KEN, "intervention"),
            (NGA, "right_of_reply"),
            (ZAF, "intervention"),
            (4, "point_of_order"),
            (5, "point_of_order"),
            (6, "intervention"),
        ]
    )
    assert order(speakers) == [
        (4, "point_of_order"),
        (5, "point_of_order"),
        (1, "intervention"),
        (3, "intervention"),
        (6, "intervention"),
        (2, "right_of_reply"),
    ]
    assert sorted(s.position for s in speakers) == [1, 2, 3, 4, 5, 6]


KIND = st.sampled_from(rules.KINDS)


@given(st.lists(KIND, max_size=30))
def test_whatever_the_order_of_inscriptions_the_list_keeps_its_shape(kinds: list[str]) -> None:
    """Points of order first, then interventions, then rights of reply; within each kind, the
    order of inscription; positions 1..n."""
    speakers = inscribe_all([(n, kind) for n, kind in enumerate(kinds, start=1)])
    listed = order(speakers)
    rank = {"point_of_order": 0, "intervention": 1, "right_of_reply": 2}
    assert listed == sorted(listed, key=lambda entry: (rank[entry[1]], entry[0]))
    assert sorted(s.position for s in speakers) == list(range(1, len(kinds) + 1))


@given(st.lists(KIND, min_size=1, max_size=20), st.data())
def test_moving_a_speaker_puts_it_in_that_place_and_keeps_everyone_else_in_order(
    kinds: list[str], data: st.DataObject
) -> None:
    speakers = waiting(*[(n, kind) for n, kind in enumerate(kinds, start=1)])
    chosen = data.draw(st.sampled_from([s.id for s in speakers]))
    position = data.draw(st.integers(min_value=1, max_value=len(speakers) + 5))
    placed = rules.moved(speakers, chosen, position)
    after = sorted(placed, key=placed.__getitem__)
    assert after.index(chosen) == min(position, len(speakers)) - 1
    assert [s for s in after if s != chosen] == [s.id for s in speakers if s.id != chosen]
    assert sorted(placed.values()) == list(range(1, len(speakers) + 1))


def test_only_the_chair_or_the_secretariat_moves_a_waiting_speaker() -> None:
    (speaker,) = waiting((KEN, "intervention"))
    assert rules.move_refusal(CHAIR, speaker, 1) is None
    assert rules.move_refusal(Asker("delegate", KEN), speaker, 1) is not None
    done = SpeakerFacts(1, KEN, "intervention", "done", 1, NOW, NOW, 3)
    assert rules.move_refusal(CHAIR, done, 1) is not None
    bad = rules.move_refusal(CHAIR, speaker, 0)
    assert bad is not None and bad.field == "position"


def test_a_delegation_withdraws_its_own_and_the_chair_removes_any_waiting_speaker() -> None:
    (speaker,) = waiting((KEN, "intervention"))
    assert rules.withdraw_refusal(Asker("delegate", KEN), speaker) is None
    assert rules.withdraw_refusal(CHAIR, speaker) is None
    refused = rules.withdraw_refusal(Asker("delegate", NGA), speaker)
    assert refused is not None and refused.kind == "forbidden"
    talking = SpeakerFacts(1, KEN, "intervention", "speaking", 1, NOW)
    assert rules.withdraw_refusal(CHAIR, talking) is not None


def test_giving_the_floor_ends_the_speaker_with_its_seconds_and_starts_the_first_waiting() -> None:
    speakers = [
        SpeakerFacts(1, KEN, "intervention", "speaking", 1, NOW - timedelta(seconds=95)),
        *waiting((NGA, "intervention"), (ZAF, "intervention"))[::-1],
    ]
    floor = rules.next_floor(CHAIR, OPEN, speakers, NOW)
    assert floor == rules.Floor(ending=1, seconds=95, starting=speakers[2].id)
    assert isinstance(rules.next_floor(Asker("delegate", KEN), OPEN, speakers, NOW), Refusal)
    assert isinstance(rules.next_floor(CHAIR, OPEN, [], NOW), Refusal)
    last = rules.next_floor(CHAIR, OPEN, speakers[:1], NOW)
    assert last == rules.Floor(1, 95, None)


def test_the_countdown_says_what_is_left_and_when_the_speaker_is_over_time() -> None:
    within = rules.countdown(NOW - timedelta(seconds=100), 180, NOW)
    assert (within.elapsed, within.remaining, within.over) == (100, 80, False)
    over = rules.countdown(NOW - timedelta(seconds=200), 180, NOW)
    assert over.remaining == -20 and over.over
    unlimited = rules.countdown(NOW - timedelta(seconds=5), None, NOW)
    assert unlimited.remaining is None and not unlimited.over
    assert rules.countdown(NOW + timedelta(seconds=3), 60, NOW).elapsed == 0  # a clock that stepped back


SPOKEN = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=4),
        st.sampled_from(["done", "speaking", "waiting", "removed"]),
        st.integers(min_value=0, max_value=900),
    ),
    max_size=25,
)


@given(st.dictionaries(st.integers(min_value=1, max_value=5), SPOKEN, max_size=4))
def test_time_per_meeting_is_the_sum_of_the_time_per_item(items: dict[int, list[tuple[int, str, int]]]) -> None:
    by_item = {
        item: [
            SpeakerFacts(
                n,
                delegation,
                "intervention",
                status,
                n,
                NOW - timedelta(seconds=seconds),
                NOW if status == "done" else None,
                seconds if status == "done" else None,
            )
            for n, (delegation, status, seconds) in enumerate(entries)
        ]
        for item, entries in items.items()
    }
    table = rules.time_by_item_and_delegation(by_item, NOW)
    totals = rules.meeting_totals(table)
    for delegation in range(1, 5):
        expected = sum(
            seconds
            for entries in items.values()
            for d, status, seconds in entries
            if d == delegation and status in ("done", "speaking")
        )
        assert totals.get(delegation, 0) == expected
        assert sum(per_item.get(delegation, 0) for per_item in table.values()) == expected
    assert all(totals_of_item for totals_of_item in table.values())  # items without time are left out


def test_a_done_speaker_without_recorded_seconds_counts_from_its_times() -> None:
    speaker = SpeakerFacts(1, KEN, "intervention", "done", 1, NOW - timedelta(seconds=42), NOW, None)
    assert rules.seconds_spoken(speaker, NOW) == 42


def test_the_speaking_time_limit_is_from_one_second_to_an_hour_and_set_by_the_chair() -> None:
    assert rules.settings_refusal(CHAIR, OPEN, 120) is None
    assert rules.settings_refusal(CHAIR, OPEN, None) is None
    for wrong in (0, rules.LIMIT_MAX + 1):
        refused = rules.settings_refusal(CHAIR, OPEN, wrong)
        assert refused is not None and refused.field == "speaking_limit"
    assert rules.settings_refusal(Asker("delegate", KEN), OPEN, 120) is not None
