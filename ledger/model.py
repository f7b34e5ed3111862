"""The ledger's vocabulary: data classes, enums and validation.

The data classes are values: nothing changes one in place (``replace`` makes a
changed copy). Most are frozen; ``Claim`` is not, only because a frozen class
costs 0.15 s more to build 100k of (bench/), and a command builds them all.

No I/O and no clock here: callers pass timestamps in. Everything a user types
goes through one of the ``parse_*`` functions below, which either return a
clean value or raise :class:`~ledger.errors.InvalidInput` with a message that
says what to type instead.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .errors import InvalidInput, UnknownSource

SCHEMA_VERSION = 3  # 2: history entries are hash-chained; 3: parties and metrics are registered
# Figures are counts; above this a number cannot be stored exactly as a JSON float.
MAX_FIGURE = 10**15


class Kind(StrEnum):
    """What sort of source speaks."""

    regional_administration = "regional_administration"
    defence_ministry = "defence_ministry"
    government = "government"
    military = "military"
    press = "press"
    news_agency = "news_agency"
    ngo = "ngo"
    international_org = "international_org"
    osint = "osint"
    eyewitness = "eyewitness"
    other = "other"


class Relation(StrEnum):
    """A directed relation ``A <relation> B`` between two claims."""

    corroborates = "corroborates"
    contradicts = "contradicts"
    repeats = "repeats"
    updates = "updates"


_RELATIONS = {r.value: r for r in Relation}


class Status(StrEnum):
    """A claim's standing, decided by :func:`ledger.analysis.analyze`."""

    confirmed = "confirmed"
    partly_confirmed = "partly confirmed"  # independent support, but not for every figure it states
    unconfirmed = "unconfirmed"
    disputed = "disputed"
    superseded = "superseded"
    retracted = "retracted"


# The statuses of a claim lacking independent confirmation (DESIGN §2): what `unconfirmed` lists.
LACKING_CONFIRMATION = frozenset({Status.unconfirmed, Status.disputed, Status.partly_confirmed})


RELIABILITY_GRADES = "ABCDEF"
RELIABILITY_NAMES = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY_NAMES = {
    1: "confirmed",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}


def grade(source: Source | None, credibility: int | None) -> str:
    """The Admiralty code shown for a claim: source reliability + credibility, e.g. ``F3``.

    An unknown source counts as F (cannot be judged); no credibility (retracted) shows as ``-``.
    """
    reliability = source.reliability if source else "F"
    return f"{reliability}{credibility if credibility is not None else '-'}"


# --------------------------------------------------------------------------- data


QUALIFIERS = ("about", "more")  # "about N" (~N) and "more than N" (>N), kept as the source said them


@dataclass(frozen=True, slots=True)
class Figure:
    """A number a claim states: the interval [low, high]; ``high is None`` means no upper bound.

    ``qualifier`` keeps a source's own hedge: "about" (``~N``, weighed as N) or "more"
    (``>N``, "more than N", weighed as at least N). Two figures of one interval with
    different qualifiers are not equal: a relay that drops "about" changed what was said.
    """

    metric: str
    low: int | float
    high: int | float | None
    qualifier: str | None = None

    def __str__(self) -> str:
        if self.qualifier == "about":
            return f"{self.metric}=~{number(self.low)}"
        if self.qualifier == "more":
            return f"{self.metric}>{number(self.low)}"
        if self.high is None:
            return f"{self.metric}>={number(self.low)}"
        if self.low == self.high:
            return f"{self.metric}={number(self.low)}"
        if self.low == 0:
            return f"{self.metric}<={number(self.high)}"
        return f"{self.metric}={number(self.low)}..{number(self.high)}"

    @property
    def value(self) -> str:
        """The figure without its metric: ``3``, ``>=45``, ``<=10``, ``20..30``, ``~2800``, ``>50``."""
        return self.value_in(str(self))

    def value_in(self, written: str) -> str:
        """:attr:`value` from the figure as ``str`` writes it, for a writer that has both."""
        return written[len(self.metric) :].removeprefix("=")

    @property
    def words(self) -> str:
        """The value as a reader says it: ``3``, ``at least 45``, ``at most 10``, ``20–30``."""
        return self.said(number)

    def said(self, write: Callable[[int | float], str]) -> str:
        """The value in words, each number as ``write`` writes it (``5,977``, say)."""
        if self.qualifier == "about":
            return f"about {write(self.low)}"
        if self.qualifier == "more":
            return f"more than {write(self.low)}"
        if self.high is None:
            return f"at least {write(self.low)}"
        if self.low == self.high:
            return write(self.low)
        if self.low == 0:
            return f"at most {write(self.high)}"
        return f"{write(self.low)}–{write(self.high)}"

    def same_number(self, other: Figure) -> bool:
        """Whether two figures give one number, hedged alike or not: ``>11000`` ("more than")
        and ``11000`` give the same number, one with a hedge the other dropped."""
        if (self.metric, self.low) != (other.metric, other.low):
            return False
        return self.high == other.high or self.qualifier != other.qualifier

    def overlaps(self, other: Figure) -> bool:
        own_high = math.inf if self.high is None else self.high
        other_high = math.inf if other.high is None else other.high
        return self.low <= other_high and other.low <= own_high

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"metric": self.metric, "low": self.low, "high": self.high}
        if self.qualifier is not None:
            doc["qualifier"] = self.qualifier
        return doc

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Figure:
        return cls(doc["metric"], doc["low"], doc["high"], doc.get("qualifier"))


@dataclass(frozen=True, slots=True)
class Party:
    """A side sources speak for, and the other names it is typed by (``UA``: Ukraine, ...)."""

    id: str
    aliases: tuple[str, ...] = ()
    created_at: str | None = None

    def names(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "aliases": list(self.aliases), "created_at": self.created_at}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Party:
        aliases = doc.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ValueError("aliases must be a list of names")
        return cls(parse_party(doc["id"]) or "", tuple(aliases), doc.get("created_at"))


@dataclass(frozen=True, slots=True)
class Metric:
    """What a figure counts, when it is declared: a ``level`` may go down (people in shelters
    now); every other metric is cumulative (a toll, losses to date)."""

    name: str
    level: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "level": self.level}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Metric:
        if not isinstance(doc.get("level"), bool):
            raise ValueError("level must be true or false")
        return cls(parse_metric(doc["name"]), doc["level"])


@dataclass(frozen=True, slots=True)
class Source:
    """Who speaks. ``party`` is None for an unaligned source."""

    id: str
    name: str
    kind: Kind
    party: str | None = None
    reliability: str = "F"
    url: str | None = None
    notes: str | None = None
    created_at: str | None = None
    pseudonym: str | None = None  # set for a confidential source: what exports call it

    @property
    def party_label(self) -> str:
        return self.party if self.party else "unaligned"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "party": self.party,
            "reliability": self.reliability,
            "url": self.url,
            "notes": self.notes,
            "created_at": self.created_at,
            **({"pseudonym": self.pseudonym} if self.pseudonym else {}),
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Source:
        return cls(
            id=doc["id"],
            name=doc["name"],
            kind=Kind(doc["kind"]),
            party=doc.get("party"),
            reliability=doc.get("reliability") or "F",
            url=doc.get("url"),
            notes=doc.get("notes"),
            created_at=doc.get("created_at"),
            pseudonym=doc.get("pseudonym"),
        )


@dataclass(slots=True)  # not frozen: 100k frozen inits cost 0.15 s a command (bench/); never mutated
class Claim:
    """One assertion by one source, with where it was seen (provenance)."""

    id: int
    text: str
    source: str
    date: str | None = None
    event: str | None = None
    figures: tuple[Figure, ...] = ()
    url: str | None = None
    archive_url: str | None = None
    retrieved_at: str | None = None
    quote: str | None = None
    tags: tuple[str, ...] = ()
    location: str | None = None
    recorded_at: str | None = None
    retracted_at: str | None = None
    retraction_note: str | None = None

    @property
    def retracted(self) -> bool:
        return self.retracted_at is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "source": self.source,
            "date": self.date,
            "event": self.event,
            "figures": [f.to_dict() for f in self.figures],
            "url": self.url,
            "archive_url": self.archive_url,
            "retrieved_at": self.retrieved_at,
            "quote": self.quote,
            "tags": list(self.tags),
            "location": self.location,
            "recorded_at": self.recorded_at,
            "retracted_at": self.retracted_at,
            "retraction_note": self.retraction_note,
        }

    @classmethod
    def from_doc(cls, claim_id: int, doc: Mapping[str, Any]) -> Claim:
        """A stored claim (its fields without the id). Positional: a ledger has 100k of them."""
        get = doc.get
        figures = get("figures")
        tags = get("tags")
        return cls(
            claim_id,
            doc["text"],
            doc["source"],
            get("date"),
            get("event"),
            tuple([Figure.from_dict(f) for f in figures]) if figures else (),
            get("url"),
            get("archive_url"),
            get("retrieved_at"),
            get("quote"),
            tuple(tags) if tags else (),
            get("location"),
            get("recorded_at"),
            get("retracted_at"),
            get("retraction_note"),
        )

    def retract(self, at: str, note: str) -> Claim:
        return replace(self, retracted_at=at, retraction_note=note)


# What a claim states: every field but its id, when it was recorded and its retraction.
# `add` sets them, `edit` changes them, and the CSV/JSON Lines columns carry them.
STATED = (
    "text",
    "source",
    "date",
    "event",
    "figures",
    "url",
    "archive_url",
    "retrieved_at",
    "quote",
    "location",
    "tags",
)
# What records a claim's retraction, which only `retract` (or an import of one) sets.
RETRACTION = ("retracted_at", "retraction_note")


@dataclass(frozen=True, slots=True)
class Link:
    """``src <relation> dst``: e.g. claim 7 repeats claim 6."""

    id: int
    src: int
    relation: Relation
    dst: int
    note: str | None = None
    created_at: str | None = None

    def other(self, claim_id: int) -> int:
        return self.dst if claim_id == self.src else self.src

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from": self.src,
            "relation": self.relation.value,
            "to": self.dst,
            "note": self.note,
            "created_at": self.created_at,
        }

    @classmethod
    def from_doc(cls, link_id: int, doc: Mapping[str, Any]) -> Link:
        """A stored link (its fields without the id)."""
        relation = _RELATIONS.get(doc["relation"])
        if relation is None:
            raise ValueError(f"unknown relation {doc['relation']!r}")
        return cls(
            link_id, int(doc["from"]), relation, int(doc["to"]), doc.get("note"), doc.get("created_at")
        )


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change to the ledger: who was touched, what changed, when."""

    id: int
    at: str
    action: str
    claim: int | None = None
    source: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    prev: str | None = None  # the previous entry's hash (None for the first)
    hash: str | None = None  # SHA-256 of this entry with ``prev``: see chain_hash

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "action": self.action,
            "claim": self.claim,
            "source": self.source,
            "detail": dict(self.detail),
            "prev": self.prev,
            "hash": self.hash,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> HistoryEntry:
        detail = doc.get("detail") or {}
        if (
            not isinstance(detail, Mapping)
            or not isinstance(doc["at"], str)
            or not isinstance(doc["action"], str)
        ):
            raise ValueError("a history entry has text for at and action, and an object for detail")
        if doc.get("claim") is not None and (
            isinstance(doc["claim"], bool) or not isinstance(doc["claim"], int)
        ):
            raise ValueError("a history entry's claim is a claim id")
        return cls(
            id=int(doc["id"]),
            at=doc["at"],
            action=doc["action"],
            claim=doc.get("claim"),
            source=doc.get("source"),
            detail=detail,
            prev=doc.get("prev"),
            hash=doc.get("hash"),
        )

    def concerned(self) -> tuple[int, ...]:
        """The claims this entry is about: its claim, and the two ends of a link it records
        (what ``history N`` and ``show N`` list for claim N)."""
        linked = self.detail.get("link") if isinstance(self.detail, Mapping) else None
        ends = (linked.get("from"), linked.get("to")) if isinstance(linked, Mapping) else ()
        return tuple(n for n in (self.claim, *ends) if isinstance(n, int))

    def chained(self, prev: str | None) -> HistoryEntry:
        """This entry linked after the entry whose hash is ``prev``, with its own hash."""
        return replace(self, prev=prev, hash=chain_hash(self, prev))


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import added (or, in a dry run, would add)."""

    sources: tuple[Source, ...]  # created
    claims: tuple[tuple[str, Claim], ...]  # where each came from, and the claim with its id
    links: tuple[Link, ...]
    history: int  # history entries carried over from a backup
    restored: bool  # a backup into an empty ledger: ids and history exactly as they were
    present: tuple[tuple[str, int], ...] = ()  # rows the ledger already holds: where, its claim
    conflicts: tuple[tuple[str, int], ...] = ()  # the same claim, told otherwise: where, its claim
    skipped_links: int = 0  # links the ledger already holds
    unmatched: tuple[str, ...] = ()  # relays of a series whose origin no claim of that date states

    @property
    def changes(self) -> bool:
        """Whether the import adds anything at all."""
        return bool(self.sources or self.claims or self.links or self.history)


def claim_identity(claim: Claim) -> tuple[Any, ...]:
    """What makes a row of a spreadsheet the same claim as one in the ledger: who said what,
    when, about which event, with which figures (DESIGN: importing twice changes nothing)."""
    return (claim.source, " ".join(claim.text.split()), claim.date, claim.event, frozenset(claim.figures))


def same_content(held: Claim, row: Claim, *, whole: bool = True) -> bool:
    """Whether a row says nothing other than the ledger's record of its claim: in every field
    (``whole``: a record of our own format), or in each field the row fills in (a spreadsheet
    that leaves the URL out says nothing of it)."""
    skip = {"id", "recorded_at"}
    have, given = held.to_dict(), row.to_dict()
    return all(have[k] == v for k, v in given.items() if k not in skip and (whole or v not in (None, [])))


# What a history entry about a confidential source says to a reader without the confidential
# level of a team ledger (ledger.privacy.withheld): the chain still runs through it.
WITHHELD_DETAIL = {"withheld": "it concerns a confidential source"}


def is_withheld(entry: HistoryEntry) -> bool:
    return dict(entry.detail) == WITHHELD_DETAIL


def chain_break(
    entries: Iterable[HistoryEntry], *, withheld: bool = False
) -> tuple[HistoryEntry, str] | None:
    """The first entry (in id order) whose hash does not follow, and how; None if the chain holds.

    ``withheld``: the history was read without the confidential level, so an entry whose
    content was withheld (:func:`is_withheld`) is taken at its stored hash; that it follows
    the entry before it is still checked. Anywhere else such an entry is a changed one."""
    prev = None
    for entry in sorted(entries, key=lambda e: e.id):
        taken = withheld and is_withheld(entry)
        if entry.prev != prev or (not taken and entry.hash != chain_hash(entry, entry.prev)):
            return entry, ("was changed" if entry.prev == prev else "does not follow the entry before it")
        prev = entry.hash
    return None


def chain_hash(entry: HistoryEntry, prev: str | None) -> str:
    """SHA-256 over an entry's content and the previous entry's hash: editing, removing or
    reordering any entry by hand breaks every hash after it (``check`` says where)."""
    content = {
        "id": entry.id,
        "at": entry.at,
        "action": entry.action,
        "claim": entry.claim,
        "source": entry.source,
        "detail": entry.detail,
        "prev": prev,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- parsing

_SLUG = re.compile(r"[^\W_][\w.\-]*")
_FIGURE_KEYS = frozenset(("metric", "low", "high", "qualifier"))
_METRIC = re.compile(r"[^\W\d][\w]*")
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_FIGURE = re.compile(
    rf"\s*(?P<metric>[^=<>~\s]+)\s*(?P<op>>=|<=|=~|=|>|~)\s*(?P<low>-?{_NUMBER})"
    rf"(?:\s*\.\.\s*(?P<high>-?{_NUMBER}))?\s*"
)


def number(value: int | float) -> str:
    """A number as typed: no exponent, no trailing ``.0`` (so it parses back exactly)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _to_number(text: str) -> int | float:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() else value


def _slug(value: str, what: str, example: str) -> str:
    cleaned = value.strip().casefold()
    if not cleaned or len(cleaned) > 80 or not _SLUG.fullmatch(cleaned):
        raise InvalidInput(
            f"bad {what} {value!r}: use letters, digits, '-', '_' or '.', "
            f"starting with a letter or digit (e.g. {example})"
        )
    return cleaned


def parse_source_id(value: str) -> str:
    return _slug(value, "source id", "ru-mod")


def parse_event(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return _slug(value, "event", "kharkiv-2023-12-31")


def parse_tags(values: Iterable[str]) -> tuple[str, ...]:
    tags: list[str] = []
    for value in values:
        tag = _slug(value, "tag", "needs-geolocation")
        if tag not in tags:
            tags.append(tag)
    return tuple(tags)


def parse_text(value: str | None, what: str = "claim text") -> str:
    if value is None or not value.strip():
        hint = "say what was asserted, in one sentence" if what == "claim text" else "give one"
        raise InvalidInput(f"{what} is empty: {hint}")
    return value


def parse_date(value: str | None, what: str = "date") -> str | None:
    """When a source said it: ``YYYY-MM-DD``, or with the time ``YYYY-MM-DDTHH:MM`` (the
    source's local time, no zone); None or blank means unknown."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        if len(text) not in (16, 19) or text[10] not in "T ":
            raise ValueError
        when = datetime.fromisoformat(text)
        return when.isoformat(timespec="minutes" if len(text) == 16 else "seconds")
    except ValueError:
        timed = "or YYYY-MM-DDTHH:MM with the time, e.g. 2023-12-31T09:30"
        hint = "e.g. 2023-12-31" if len(text) <= 10 else timed
        raise InvalidInput(f"bad {what} {value!r}: use YYYY-MM-DD, {hint}") from None


def moment_order(a: str | None, b: str | None) -> int:
    """Which of two claims' dates comes first: -1, 1, or 0 for the same moment.

    A claim without a date is taken as of the same moment as any other; two dates of
    one day are ordered by their times only where both have one (DESIGN §2, "as of").
    """
    if a is None or b is None:
        return 0
    day_a, day_b = a[:10], b[:10]
    if day_a != day_b:
        return -1 if day_a < day_b else 1
    if len(a) > 10 and len(b) > 10 and a != b:
        return -1 if a < b else 1
    return 0


def parse_timestamp(value: str | None, what: str = "retrieved-at") -> str | None:
    """A date or a date and time in ISO 8601."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return (
            date.fromisoformat(text).isoformat()
            if len(text) == 10
            else datetime.fromisoformat(text).isoformat()
        )
    except ValueError:
        raise InvalidInput(
            f"bad {what} {value!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2024-01-02T09:30"
        ) from None


def parse_url(value: str | None, what: str = "url") -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text, flags=re.IGNORECASE):
        raise InvalidInput(f"bad {what} {value!r}: give a full address starting with https://")
    return text


def parse_figure(value: str) -> Figure:
    """``killed=3``, ``killed>=45``, ``killed<=10``, ``killed=20..30``; ``killed=~300`` ("about
    300", also ``killed~300``) and ``killed>300`` ("more than 300") keep the source's hedge."""
    match = _FIGURE.fullmatch(value)
    hint = "use metric=N, metric>=N, metric<=N, metric=LOW..HIGH, metric=~N or metric>N, e.g. killed=3"
    if not match:
        raise InvalidInput(f"bad figure {value!r}: {hint}")
    metric = match["metric"].casefold()
    if not _METRIC.fullmatch(metric):
        raise InvalidInput(f"bad figure {value!r}: the metric must be a word such as killed or injured")
    if match["low"].startswith("-") or (match["high"] or "").startswith("-"):
        raise InvalidInput(f"bad figure {value!r}: a figure cannot be negative")
    low = _to_number(match["low"])
    if low > MAX_FIGURE or (match["high"] is not None and _to_number(match["high"]) > MAX_FIGURE):
        raise InvalidInput(f"bad figure {value!r}: {number(MAX_FIGURE)} is the largest figure recorded")
    op = match["op"]
    if match["high"] is not None:
        if op != "=":
            raise InvalidInput(f"bad figure {value!r}: {hint}")
        high = _to_number(match["high"])
        if high < low:
            raise InvalidInput(f"bad figure {value!r}: the range runs from low to high")
        return Figure(metric, low, high)
    if op == ">=":
        return Figure(metric, low, None)
    if op == ">":
        return Figure(metric, low, None, "more")
    if op in ("=~", "~"):
        return Figure(metric, low, low, "about")
    if op == "<=":
        return Figure(metric, 0, low)
    return Figure(metric, low, low)


def parse_figure_record(doc: Any) -> Figure:
    """A figure as the JSON export writes it: ``{"metric": "killed", "low": 3, "high": 3}``.

    Checked as strictly as typed text; numbers keep their exact value.
    """
    hint = 'give {"metric": ..., "low": N, "high": N or null} (and "qualifier": "about" or "more")'
    if not isinstance(doc, Mapping) or not _FIGURE_NEEDS <= doc.keys() <= _FIGURE_KEYS:
        raise InvalidInput(f"bad figure {doc!r}: {hint}")
    metric, low, high = doc["metric"], doc["low"], doc["high"]
    if not isinstance(metric, str) or not _lowercase_metric(metric):
        raise InvalidInput(f"bad figure {doc!r}: the metric must be a lowercase word such as killed")
    if type(low) not in _NUMBER_TYPES or (high is not None and type(high) not in _NUMBER_TYPES):
        raise InvalidInput(f"bad figure {doc!r}: {hint}")  # bool is a type of its own: refused
    if not math.isfinite(low) or (high is not None and not math.isfinite(high)):
        raise InvalidInput(f"bad figure {doc!r}: {hint}")
    if low < 0 or (high is not None and high < low) or max(low, high or 0) > MAX_FIGURE:
        raise InvalidInput(f"bad figure {doc!r}: a figure runs from a non-negative low to its high")
    qualifier = doc.get("qualifier")
    if qualifier is not None and not (
        (qualifier == "about" and high == low) or (qualifier == "more" and high is None)
    ):
        raise InvalidInput(
            f'bad figure {doc!r}: "about" qualifies a single number (high = low), '
            '"more" an open one (high null)'
        )
    return Figure(metric, low, high, qualifier)


_FIGURE_NEEDS = frozenset(("metric", "low", "high"))
_NUMBER_TYPES = (int, float)


@functools.lru_cache(maxsize=4096)
def _lowercase_metric(metric: str) -> bool:
    """A metric as records hold it: a lowercase word (checked once per name)."""
    return bool(_METRIC.fullmatch(metric)) and metric == metric.casefold()


def parse_figures(values: Iterable[str | Figure | Mapping[str, Any]]) -> tuple[Figure, ...]:
    """Figures typed (``killed=3``) or stored (a :class:`Figure` or its record); one per metric."""
    figures: list[Figure] = []
    metrics: set[str] = set()
    for value in values:
        if isinstance(value, Figure):
            figure = parse_figure_record(value.to_dict())
        elif isinstance(value, str):
            figure = parse_figure(value)
        else:
            figure = parse_figure_record(value)
        if figure.metric in metrics:
            raise InvalidInput(f"figure {figure.metric!r} is given twice: give each metric once")
        metrics.add(figure.metric)
        figures.append(figure)
    return tuple(figures)


def parse_kind(value: str) -> Kind:
    text = value.strip().casefold().replace("-", "_").replace(" ", "_")
    try:
        return Kind(text)
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise InvalidInput(f"unknown kind {value!r}: use one of {kinds}") from None


def parse_relation(value: str) -> Relation:
    try:
        return Relation(value.strip().casefold())
    except ValueError:
        names = ", ".join(r.value for r in Relation)
        raise InvalidInput(f"unknown relation {value!r}: use one of {names}") from None


def parse_links(value: str) -> tuple[tuple[Relation, int], ...]:
    """``"repeats 6, corroborates #2"`` -> ((repeats, 6), (corroborates, 2)); blank -> ()."""
    words = value.replace(",", " ").replace(";", " ").split()
    hint = "give a relation and a claim number, e.g. 'repeats 6' or 'corroborates 2, contradicts 5'"
    if len(words) % 2:
        raise InvalidInput(f"bad links {value!r}: {hint}")
    links: list[tuple[Relation, int]] = []
    for relation, target in zip(words[::2], words[1::2], strict=True):
        number_ = target.removeprefix("#")
        if not number_.isascii() or not number_.isdigit():
            raise InvalidInput(f"bad links {value!r}: {target!r} is not a claim number; {hint}")
        links.append((parse_relation(relation), int(number_)))
    return tuple(links)


def parse_status(value: str) -> Status:
    try:
        return Status(" ".join(value.strip().casefold().replace("-", " ").replace("_", " ").split()))
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise InvalidInput(f"unknown status {value!r}: use one of {names}") from None


def parse_reliability(value: str | None) -> str:
    if value is None or not value.strip():
        return "F"
    grade = value.strip().upper()
    if len(grade) != 1 or grade not in RELIABILITY_GRADES:
        raise InvalidInput(
            f"bad reliability {value!r}: use an Admiralty grade A (completely reliable) "
            "to F (cannot be judged)"
        )
    return grade


def parse_party(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    party = value.strip()
    if len(party) > 40 or any(ch.isspace() and ch != " " for ch in party):
        raise InvalidInput(f"bad party {value!r}: use a short label such as RU or UA")
    return party


def parse_metric(value: str) -> str:
    metric = value.strip().casefold() if isinstance(value, str) else ""
    if not _METRIC.fullmatch(metric):
        raise InvalidInput(f"bad metric {value!r}: use a word such as killed or tank")
    return metric


def parties_in_use(labels: Iterable[str]) -> list[Party]:
    """The parties a set of party labels names: labels that differ only in case are one party,
    named as it is most often written, the other spellings its aliases."""
    spellings: dict[str, dict[str, int]] = {}
    for label in labels:
        if label and label.strip():
            counts = spellings.setdefault(label.strip().casefold(), {})
            counts[label.strip()] = counts.get(label.strip(), 0) + 1
    parties = []
    for counts in spellings.values():
        ranked = sorted(counts, key=lambda s: (-counts[s], s))
        parties.append(Party(ranked[0], tuple(ranked[1:])))
    return sorted(parties, key=lambda p: p.id)


def resolve_party(value: str | None, parties: Mapping[str, Party]) -> str | None:
    """The registered party a label names, by its id or an alias, in any case; None if blank.

    Raises :class:`~ledger.errors.UnknownParty` for a label no party has.
    """
    label = parse_party(value)
    if label is None:
        return None
    key = label.casefold()
    for party in parties.values():
        if any(name.casefold() == key for name in party.names()):
            return party.id
    from .errors import UnknownParty

    raise UnknownParty(label, sorted(parties))


def source_in(sources: Mapping[str, Source], source_id: str) -> Source:
    """The source of that id, or UnknownSource naming some that there are."""
    found = sources.get(source_id)
    if found is None:
        raise UnknownSource(source_id, sorted(sources)[:8])
    return found


def party_key(party: str | None) -> str | None:
    """What a party label is compared by: labels name one side whatever their case; None for
    an unaligned source."""
    return party.casefold() if party else None


def new_source(
    id: str,
    *,
    name: str,
    kind: str,
    party: str | None = None,
    reliability: str | None = None,
    url: str | None = None,
    notes: str | None = None,
    created_at: str | None = None,
    pseudonym: str | None = None,
) -> Source:
    """A validated source from what a user typed."""
    return Source(
        id=parse_source_id(id),
        name=parse_text(name, "source name"),
        kind=parse_kind(kind),
        party=parse_party(party),
        reliability=parse_reliability(reliability),
        url=parse_url(url),
        notes=notes or None,
        created_at=created_at,
        pseudonym=parse_source_id(pseudonym) if pseudonym else None,
    )


def new_claim(
    text: str | None,
    *,
    source: str,
    id: int = 0,
    date: str | None = None,
    event: str | None = None,
    figures: Iterable[str | Figure | Mapping[str, Any]] = (),
    url: str | None = None,
    archive_url: str | None = None,
    retrieved_at: str | None = None,
    quote: str | None = None,
    tags: Iterable[str] = (),
    location: str | None = None,
    recorded_at: str | None = None,
) -> Claim:
    """A validated claim from what a user typed; the store gives it its id."""
    return Claim(
        id=id,
        text=parse_text(text),
        source=parse_source_id(source),
        date=parse_date(date),
        event=parse_event(event),
        figures=parse_figures(figures),
        url=parse_url(url),
        archive_url=parse_url(archive_url, "archive url"),
        retrieved_at=parse_timestamp(retrieved_at),
        quote=quote or None,
        tags=parse_tags(tags),
        location=location.strip() if location and location.strip() else None,
        recorded_at=recorded_at,
    )
