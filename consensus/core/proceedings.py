"""The summary of proceedings of a meeting, written from the record as Markdown, and who may change it.

Pure: the shell loads the meeting, its roll call, its agenda with each item's speakers and rounds,
and the clauses agreed while it sat, as the plain values below; ``summary`` writes the Markdown in
the reader's language (``Wording``: the gettext, ngettext and number format of ``Words``, and how a
moment is written). Everything typed by people (titles, names, places) is escaped, so the Markdown
is inert wherever it is rendered. A secret round shows what its stored result shows: the result
kept for it already leaves out the figures its disclosure check withholds, and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from consensus.core.markdown import inert
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase, Words
from consensus.i18n import N_

SECRETARIAT, CHAIR = "secretariat", "chair"
BODY_LIMIT = 100_000
"""The longest summary kept (characters): a long session's record fits many times over."""

SPEAKER_KINDS = {
    "point_of_order": N_("point of order"),
    "right_of_reply": N_("right of reply"),
}
"""How a turn that is not an ordinary intervention is named beside the delegation."""


@dataclass(frozen=True, slots=True)
class Wording:
    """How the summary is worded: the language's phrases and numbers, and its way of writing a moment."""

    words: Words = field(default_factory=Words)
    moment: Callable[[datetime], str] = lambda value: value.strftime("%Y-%m-%d %H:%M UTC")

    def __call__(self, text: str, **values: object) -> str:
        return self.words.phrase(Phrase(text, values))


@dataclass(frozen=True, slots=True)
class Turn:
    """One delegation's turn on the list of speakers (those that took the floor)."""

    delegation: str
    kind: str = "intervention"
    seconds: int | None = None
    """The time it spoke (None: still speaking when the summary was written)."""


@dataclass(frozen=True, slots=True)
class RoundHeld:
    """A round held at the meeting or on one of its items, with its stored result once closed
    (``result_to_dict``'s form: its ``phrases`` say why it passed or not, in any language)."""

    id: int
    title: str
    status: str
    result: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class ItemHeld:
    """An agenda item with what it points to, who spoke on it, and its rounds."""

    title: str
    status: str = "pending"
    document: str = ""
    """The title of the document it is about ('' for none)."""
    clauses: str = ""
    """The clause or range it is about, as numbers ("3.2", "3.1–3.4"; '' for none)."""
    turns: tuple[Turn, ...] = ()
    rounds: tuple[RoundHeld, ...] = ()


@dataclass(frozen=True, slots=True)
class AgreedClauses:
    """The clauses of one document agreed ad referendum while the meeting sat."""

    document: str
    numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MeetingHeld:
    """A meeting as the summary tells it."""

    title: str
    group: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    items: tuple[ItemHeld, ...] = ()
    other_rounds: tuple[RoundHeld, ...] = ()
    """Rounds held at the meeting that belong to no agenda item."""
    agreed: tuple[AgreedClauses, ...] = ()


def duration(seconds: int, wording: Wording) -> str:
    """A speaking time: "3 min 10 s", "2 min", "45 s"."""
    minutes, rest = divmod(max(0, seconds), 60)
    if minutes and rest:
        return wording(N_("{minutes} min {seconds} s"), minutes=minutes, seconds=rest)
    if minutes:
        return wording(N_("{minutes} min"), minutes=minutes)
    return wording(N_("{seconds} s"), seconds=rest)


def _turn(turn: Turn, wording: Wording) -> str:
    notes = []
    if turn.kind in SPEAKER_KINDS:
        notes.append(wording.words.gettext(SPEAKER_KINDS[turn.kind]))
    notes.append(duration(turn.seconds, wording) if turn.seconds is not None else wording(N_("speaking")))
    return f"{inert(turn.delegation)} ({', '.join(notes)})"


def _list(names: Iterable[str]) -> str:
    return ", ".join(inert(name) for name in names)


def round_line(held: RoundHeld, wording: Wording) -> str:
    """One round and its outcome: "Round 4 (Consensus on 3.2): Passed: no delegation objected; …"."""
    head = wording(N_("Round {id} ({title})"), id=str(held.id), title=inert(held.title))
    result = held.result
    if held.status != "closed" or result is None:
        status = {
            "draft": N_("in preparation"),
            "open": N_("still open when this summary was written"),
            "cancelled": N_("cancelled"),
        }.get(held.status, held.status)
        return f"{head}: {wording.words.gettext(status)}."
    phrases = result.get("phrases")
    if isinstance(phrases, list) and phrases:
        reason = wording.words.reason([Phrase.from_json(p) for p in phrases])
    else:  # a result stored before reasons were kept as phrases
        reason = str(result.get("reason", ""))
    return f"{head}: {inert(reason)}"


def _attendance(meeting: MeetingHeld, wording: Wording) -> list[str]:
    lines = ["## " + wording(N_("Attendance")), ""]
    if not meeting.present and not meeting.absent:
        return [*lines, wording(N_("No roll call was taken.")), ""]
    if meeting.present:
        lines += [wording(N_("Present: {names}."), names=_list(meeting.present)), ""]
    if meeting.absent:
        lines += [wording(N_("Absent: {names}."), names=_list(meeting.absent)), ""]
    return lines


def _subject(item: ItemHeld, wording: Wording) -> str:
    if item.document and item.clauses:
        # A range is written "3.1–3.4" (an en dash): the shell joins the first and last numbers so.
        text = (
            N_("On {document}, clauses {clauses}.") if "–" in item.clauses else N_("On {document}, clause {clauses}.")
        )
        return wording(text, document=inert(item.document), clauses=inert(item.clauses))
    if item.document:
        return wording(N_("On {document}."), document=inert(item.document))
    return ""


def _item(number: int, item: ItemHeld, wording: Wording) -> list[str]:
    lines = [f"### {number}\\. {inert(item.title)}", ""]
    subject = _subject(item, wording)
    if subject:
        lines += [subject, ""]
    if item.status == "pending":
        lines += [wording(N_("Not taken up.")), ""]
    if item.turns:
        lines += [wording(N_("Speakers: {turns}."), turns=", ".join(_turn(t, wording) for t in item.turns)), ""]
    elif item.status != "pending":
        lines += [wording(N_("No delegation took the floor.")), ""]
    lines += [f"- {round_line(held, wording)}" for held in item.rounds]
    if item.rounds:
        lines.append("")
    return lines


def speaking_times(items: Sequence[ItemHeld]) -> list[tuple[str, int]]:
    """Each delegation's time on the floor over the whole meeting, longest first (then by name);
    a turn still under way is not counted yet."""
    totals: dict[str, int] = {}
    for item in items:
        for turn in item.turns:
            if turn.seconds is not None:
                totals[turn.delegation] = totals.get(turn.delegation, 0) + turn.seconds
    return sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))


def summary(meeting: MeetingHeld, wording: Wording | None = None) -> str:
    """The summary of proceedings as Markdown: when and where, attendance, each agenda item with its
    speakers and rounds, other rounds held, the clauses agreed ad referendum and the time each
    delegation spoke."""
    wording = wording or Wording()
    when = wording(N_("{start} to {end}"), start=wording.moment(meeting.starts_at), end=wording.moment(meeting.ends_at))
    lines = [
        "# " + wording(N_("Summary of proceedings: {title}"), title=inert(meeting.title)),
        "",
        f"{inert(meeting.group)} — {when}" + (f", {inert(meeting.place)}" if meeting.place else ""),
        "",
        *_attendance(meeting, wording),
        "## " + wording(N_("Agenda")),
        "",
    ]
    if not meeting.items:
        lines += [wording(N_("The agenda was empty.")), ""]
    for number, item in enumerate(meeting.items, start=1):
        lines += _item(number, item, wording)
    if meeting.other_rounds:
        lines += ["## " + wording(N_("Other rounds held at the meeting")), ""]
        lines += [f"- {round_line(held, wording)}" for held in meeting.other_rounds] + [""]
    lines += _agreed(meeting.agreed, wording)
    times = speaking_times(meeting.items)
    if times:
        lines += ["## " + wording(N_("Time on the floor")), ""]
        lines += [f"- {inert(name, line_start=True)}: {duration(seconds, wording)}" for name, seconds in times] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _agreed(agreed: Sequence[AgreedClauses], wording: Wording) -> list[str]:
    lines = ["## " + wording(N_("Clauses agreed ad referendum")), ""]
    if not agreed:
        return [*lines, wording(N_("None.")), ""]
    for clauses in agreed:
        lines.append(
            "- "
            + wording(
                N_("{document}: {numbers}"),
                document=inert(clauses.document, line_start=True),
                numbers=_list(clauses.numbers),
            )
        )
    return [*lines, ""]


def agreed_during(changes: Iterable[tuple[str, str, str]]) -> list[AgreedClauses]:
    """The clauses left agreed ad referendum by a meeting's status changes, given in the order they
    were made as (document, clause number, status it was set to): a clause agreed and then reopened
    in the same sitting is not among them. Documents in the order first met, clauses too."""
    last: dict[str, dict[str, str]] = {}
    for document, number, status in changes:
        last.setdefault(document, {})[number] = status
    found = []
    for document, statuses in last.items():
        numbers = tuple(number for number, status in statuses.items() if status == "agreed_ad_ref")
        if numbers:
            found.append(AgreedClauses(document, numbers))
    return found


# --- who may do what with the summary -------------------------------------------------------------------


def reading_refusal(role: str | None, published: bool) -> Refusal | None:
    """Why a member may not read a meeting's summary now, or None: everyone once it is published; the
    secretariat and the chair while it is a draft."""
    if published or role in (SECRETARIAT, CHAIR):
        return None
    return Refusal("forbidden", Phrase(N_("The summary of proceedings of this meeting is not published yet.")))


def editing_refusal(role: str | None, published: bool) -> Refusal | None:
    """Why a member may not generate, edit or publish the summary now, or None: the secretariat may,
    until it is published (a published summary, like a published text, no longer changes)."""
    if role != SECRETARIAT:
        return Refusal("forbidden", Phrase(N_("Only the secretariat writes the summary of proceedings.")))
    if published:
        return Refusal("conflict", Phrase(N_("The summary of proceedings is published and can no longer change.")))
    return None
