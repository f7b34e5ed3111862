"""Typing a claim in at a terminal, question by question, as ``hledger add`` does.

``claim-ledger add`` with no TEXT, at a terminal, asks for the text, then the
source, date, event, figures, URL and links. Enter accepts the default shown in
brackets; ``-`` clears it; a bad answer is explained and asked again; Tab
completes source ids and relations. A source the ledger lacks can be created
on the way (its name, kind and party are asked), and is saved with the claim.
Nothing is written until the last question, "Save this claim?": answering no,
``q`` at a near duplicate, or Ctrl-D leaves on purpose (exit 0, "Not saved");
Ctrl-C interrupts (exit 130). Either way the ledger is as it was.

Every answer is checked by the same functions that check the command line
(:mod:`ledger.model`, :mod:`ledger.analysis`); nothing here decides a rule.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import InvalidInput, LedgerError, missing_claim
from ..terminal import printable
from ..words import cut, who

if TYPE_CHECKING:
    from ..model import Claim, Party, Relation, Source
    from ..similar import Match
    from .context import Env

T = TypeVar("T")
CLEAR = "-"  # typed to leave out a field that has a default
SOURCE_LABEL = 60  # how much of the known source ids the question shows


@dataclass
class Entry:
    """What the questions gathered: the arguments of :func:`ledger.ops.add_claim`."""

    text: str
    source: str
    fields: dict[str, Any] = field(default_factory=dict)  # date, event, figures, url...
    links: list[tuple[Relation, int]] = field(default_factory=list)
    checked: bool = False  # near duplicates were shown and answered
    new_source: dict[str, Any] | None = None  # a source created on the way: add_source's fields

    def arguments(self) -> dict[str, Any]:
        by_relation: dict[str, list[int]] = {}
        for relation, target in self.links:
            by_relation.setdefault(relation.value, []).append(target)
        return {**self.fields, **by_relation, "force": self.checked}


class Left(Exception):
    """The user left the questions on purpose (no at Save, q, Ctrl-D): not an error."""


def say(message: str) -> None:
    sys.stderr.write(printable(message) + "\n")


def _line(question: str, default: str | None = None) -> str:
    """One answer: ``question [default]: ``; Enter gives the default, Ctrl-D leaves (:class:`Left`).

    Where stdout is not the terminal (``id=$(claim-ledger add)``), the question goes to
    stderr, like every message, and stdout carries only the new claim's id; at a terminal
    it goes through readline, which must know the prompt to edit the line under it.
    """
    shown = printable(f"{question} [{default}]: " if default else f"{question}: ")
    on_terminal = _is_terminal(sys.stdout)
    if not on_terminal:
        sys.stderr.write(shown)
        sys.stderr.flush()
    try:
        answer = input(shown if on_terminal else "")
    except EOFError:
        (sys.stdout if on_terminal else sys.stderr).write("\n")  # still on the question's line
        raise Left() from None
    return answer if answer.strip() or default is None else default


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def confirm(question: str, *, default: bool) -> bool:
    """Yes or no; Enter gives ``default``."""
    while True:
        answer = _line(f"{question} [{'Y/n' if default else 'y/N'}]").strip().casefold()
        if not answer:
            return default
        if answer[:1] in ("y", "n"):
            return answer[:1] == "y"
        say("  answer y or n")


def ask(
    label: str,
    parse: Callable[[str], T],
    *,
    default: str | None = None,
    required: bool = False,
    complete: Sequence[str] = (),
) -> T:
    """Ask until ``parse`` accepts the answer; its error says why, and the question comes again."""
    while True:
        with _completion(complete):
            answer = _line(label, default)
        if required and not answer.strip():
            continue
        if answer.strip() == CLEAR and not required:
            answer = ""
        try:
            return parse(answer)
        except LedgerError as exc:
            say(f"  {exc}")


def choose(label: str, options: Mapping[str, str], default: str) -> str:
    """One letter among ``options`` (letter -> what it does)."""
    for key, what in options.items():
        say(f"  {key}  {what}")
    while True:
        answer = _line(f"{label} ({'/'.join(options)})", default).strip().casefold()
        if answer in options:  # the letter alone: "UA" typed here by mistake is not "u"
            return answer
        say(f"  answer one of: {', '.join(options)}")


def session(e: Env, given: Mapping[str, Any], today: date) -> Entry:
    """Ask for each part of a claim that ``given`` (the command line) left out."""
    from ..model import parse_text
    from ..similar import near_duplicates

    where = e.location()
    with e.reading() as store:
        sources = store.sources()
        claims = store.claims()
        links = store.links()
        parties = store.parties()
    say(f"New claim for {where.shown}")
    say("Enter accepts [the default], '-' leaves it out, Tab completes; Ctrl-D leaves unsaved.")
    latest = max(claims.values(), key=lambda c: c.id, default=None)
    entry = Entry(text=ask("Claim", parse_text, required=True), source="")

    entry.source, entry.new_source = (
        (given["source"], None)
        if given.get("source")
        else ask_source(sources, latest.source if latest else None, parties)
    )
    linked = [target for _, target in given.get("links") or ()]  # already related: not compared
    matches = [] if given.get("force") else near_duplicates(entry.text, claims.values(), skip=linked)
    if matches:
        entry.links.extend(resolve_duplicates(matches, entry.source))
    entry.checked = True  # shown and answered, or --force
    _ask_fields(entry.fields, given, today, claims)
    if given.get("links"):
        entry.links.extend(given["links"])
    else:
        entry.links.extend(
            ask(
                "Links to earlier claims (e.g. repeats 6, corroborates 2)",
                lambda a: _links(a, entry, claims, links),
                complete=["corroborates", "contradicts", "repeats", "updates"],
            )
        )

    say("")
    for line in _summary(entry, sources):
        say(f"  {line}")
    if not confirm("Save this claim?", default=True):
        raise Left()
    return entry


def _ask_fields(
    fields: dict[str, Any], given: Mapping[str, Any], today: date, claims: Mapping[int, Claim]
) -> None:
    """The date, event, figures and URL the command line left out; the rest as it gave them."""
    from ..model import parse_date, parse_event, parse_figures, parse_url

    last_event = max((c for c in claims.values() if c.event), key=lambda c: c.id, default=None)
    fields["date"] = given.get("date") or ask(
        "Date (YYYY-MM-DD)", lambda a: parse_date(a), default=today.isoformat()
    )
    fields["event"] = given.get("event") or ask(
        "Event (a slug such as kharkiv-2023-12-31)",
        parse_event,
        default=last_event.event if last_event else None,
        complete=sorted({c.event for c in claims.values() if c.event}),
    )
    fields["figures"] = given.get("figures") or ask(
        "Figures (e.g. killed=3 injured>=28)", lambda a: parse_figures(a.split())
    )
    fields["url"] = given.get("url") or ask("URL where it was seen", parse_url)
    for name in ("archive_url", "retrieved_at", "quote", "location", "tags"):
        if given.get(name):
            fields[name] = given[name]


def resolve_duplicates(matches: Sequence[Match], source: str) -> list[tuple[Relation, int]]:
    """Show the near duplicates; the answer: link to the first, add anyway, or stop."""
    from ..model import Relation

    say("This claim nearly repeats what the ledger holds:")
    for m in matches:
        say(f"  #{m.claim.id} ({m.claim.source}, {m.why}): {m.claim.text}")
    first = matches[0].claim
    relay = {"r": f"it relays #{first.id} (repeats)"}
    how = (  # its own earlier words are relayed or updated; another source's, relayed or supported
        {"u": f"it is a newer statement of #{first.id} (updates)"}
        if first.source == source
        else {"c": f"it supports #{first.id} on its own account (corroborates)"}
    )
    options = {**relay, **how, "a": "add it anyway, unlinked", "q": "quit, adding nothing"}
    answer = choose("How does it relate?", options, default="q")
    if answer == "q":
        raise Left()
    relation = {"r": Relation.repeats, "c": Relation.corroborates, "u": Relation.updates}.get(answer)
    return [(relation, first.id)] if relation else []


def ask_source(
    sources: Mapping[str, Source], default: str | None = None, parties: Mapping[str, Party] | None = None
) -> tuple[str, dict[str, Any] | None]:
    """A source id, re-asked until it is a known one or the user creates it; Tab completes.

    Returns the id, and the new source's fields when it was created on the way.
    """
    while True:
        source_id = ask(
            _source_label(sources),
            _source_id,
            default=default,
            required=default is None,
            complete=sorted(sources),
        )
        if source_id in sources:
            return source_id, None
        say(f"  no source {source_id!r} yet.")
        if confirm(f"Create source {source_id}?", default=True):
            return source_id, _new_source(source_id, parties or {})


def _source_label(sources: Mapping[str, Source]) -> str:
    ids = sorted(sources)
    if not ids:
        return "Source (an id such as ru-mod; it is created next)"
    return f"Source ({cut(', '.join(ids), SOURCE_LABEL)}; a new id creates one)"


def _source_id(answer: str) -> str:
    from ..model import parse_source_id

    return parse_source_id(answer)


def _new_source(source_id: str, parties: Mapping[str, Party]) -> dict[str, Any]:
    """The fields of a new source, asked one by one and checked as ``source add`` checks them."""
    from ..model import Kind, new_source, parse_kind, parse_text, resolve_party

    kinds = [k.value for k in Kind]
    fields: dict[str, Any] = {
        "name": ask("  Name", lambda a: parse_text(a, "source name"), default=source_id),
        "kind": ask(
            f"  Kind ({', '.join(kinds)})", lambda a: parse_kind(a).value, required=True, complete=kinds
        ),
        "party": ask(
            f"  Party it speaks for ({', '.join(sorted(parties)) or 'none registered'}; Enter: unaligned)",
            lambda a: resolve_party(a, parties),
            complete=sorted(parties),
        ),
    }
    new_source(source_id, **fields)  # every field checked together, as on `source add`
    return fields


def _links(
    answer: str, entry: Entry, claims: Mapping[int, Claim], links: Sequence[Any]
) -> list[tuple[Relation, int]]:
    """Links typed as words, each checked against the link rules before anything is saved."""
    from ..analysis import check_new_link
    from ..model import new_claim, parse_links

    wanted = list(parse_links(answer))
    draft = new_claim(entry.text, source=entry.source, id=max(claims, default=0) + 1)
    for relation, target in wanted:
        if target not in claims:
            raise missing_claim(target)
        check_new_link(draft, relation, claims[target], links)
    targets = [t for _, t in (*entry.links, *wanted)]
    if len(set(targets)) != len(targets):
        raise InvalidInput("two links to one claim: a claim links to another once")
    return wanted


def _summary(entry: Entry, sources: Mapping[str, Source]) -> list[str]:
    if entry.new_source is not None:
        new = entry.new_source
        said = f"{entry.source} ({new['kind']}, {new['party'] or 'unaligned'}), new: {new['name']}"
    else:
        said = who(entry.source, sources[entry.source])
    lines = [f"{'Claim:':<9}{entry.text}", f"{'Source:':<9}{said}"]
    for label, key in (("Date", "date"), ("Event", "event"), ("URL", "url")):
        if entry.fields.get(key):
            lines.append(f"{label + ':':<9}{entry.fields[key]}")
    if entry.fields.get("figures"):
        lines.append(f"{'Figures:':<9}{' '.join(map(str, entry.fields['figures']))}")
    for relation, target in entry.links:
        lines.append(f"{'Link:':<9}it {relation.value} #{target}")
    return lines


@contextlib.contextmanager
def _completion(words: Sequence[str]) -> Iterator[None]:
    """Tab completes ``words`` at this prompt, where the platform has readline."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input still works
        yield
        return
    before = readline.get_completer()

    def complete(prefix: str, state: int) -> str | None:
        found = [w for w in words if w.startswith(prefix)]
        return found[state] if state < len(found) else None

    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(before)
