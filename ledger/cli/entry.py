"""Typing a claim in at a terminal, question by question, as ``hledger add`` does.

``claim-ledger add`` with no TEXT, at a terminal, asks for the text, then the
source, date, event, figures, URL and links. Enter accepts the default shown in
brackets; ``-`` clears it; a bad answer is explained and asked again; Tab
completes source ids and relations. Ctrl-C or Ctrl-D leaves with the ledger
untouched: nothing is written until the last question, "Save this claim?".

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

import typer

from ..errors import InvalidInput, LedgerError, NotFound
from ..terminal import printable

if TYPE_CHECKING:
    from ..model import Claim, Relation, Source
    from ..similar import Match
    from .context import Env

T = TypeVar("T")
CLEAR = "-"  # typed to leave out a field that has a default
SHOWN_SOURCES = 12


@dataclass
class Entry:
    """What the questions gathered: the arguments of :func:`ledger.ops.add_claim`."""

    text: str
    source: str
    fields: dict[str, Any] = field(default_factory=dict)  # date, event, figures, url...
    links: list[tuple[Relation, int]] = field(default_factory=list)
    checked: bool = False  # near duplicates were shown and answered

    def arguments(self) -> dict[str, Any]:
        by_relation: dict[str, list[int]] = {}
        for relation, target in self.links:
            by_relation.setdefault(relation.value, []).append(target)
        return {**self.fields, **by_relation, "force": self.checked}


def say(message: str) -> None:
    sys.stderr.write(printable(message) + "\n")


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
            answer = typer.prompt(
                label,
                default=default if default is not None else (None if required else ""),
                show_default=bool(default),
                prompt_suffix=": ",
            )
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
        answer = typer.prompt(f"{label} ({'/'.join(options)})", default=default, prompt_suffix=": ")
        answer = answer.strip().casefold()
        if answer[:1] in options:
            return answer[:1]
        say(f"  answer one of: {', '.join(options)}")


def session(e: Env, given: Mapping[str, Any], today: date) -> Entry:
    """Ask for each part of a claim that ``given`` (the command line) left out."""
    from ..model import parse_date, parse_event, parse_figures, parse_text, parse_url
    from ..similar import near_duplicates

    where = e.location()
    with e.reading() as store:
        sources = store.sources()
        claims = store.claims()
        links = store.links()
    if not sources:
        ask_source(sources)  # says how to add the first
    say(f"New claim for {where.path}")
    say("Enter accepts [the default], '-' leaves it out, Tab completes, Ctrl-C quits unsaved.")
    latest = max(claims.values(), key=lambda c: c.id, default=None)
    last_event = max((c for c in claims.values() if c.event), key=lambda c: c.id, default=None)
    entry = Entry(text=ask("Claim", parse_text, required=True), source="")

    entry.source = given.get("source") or ask_source(sources, latest.source if latest else None)
    linked = [target for _, target in given.get("links") or ()]  # already related: not compared
    matches = [] if given.get("force") else near_duplicates(entry.text, claims.values(), skip=linked)
    if matches:
        entry.links.extend(resolve_duplicates(matches, entry.source))
    entry.checked = True  # shown and answered, or --force
    fields = entry.fields
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
    if not typer.confirm("Save this claim?", default=True):
        raise _NotSaved()
    return entry


class _NotSaved(LedgerError):
    """The user answered no to "Save this claim?"."""

    def __init__(self) -> None:
        super().__init__("not saved: the ledger is as it was")


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
        raise _NotSaved()
    relation = {"r": Relation.repeats, "c": Relation.corroborates, "u": Relation.updates}.get(answer)
    return [(relation, first.id)] if relation else []


def ask_source(sources: Mapping[str, Source], default: str | None = None) -> str:
    """A known source id, re-asked until it is one; Tab completes them."""
    if not sources:
        raise NotFound(
            "no sources yet: add the first with 'claim-ledger source add ID --name NAME --kind KIND'"
        )
    return ask(
        _source_label(sources),
        lambda answer: _known_source(answer, sources),
        default=default,
        required=default is None,
        complete=sorted(sources),
    )


def _source_label(sources: Mapping[str, Source]) -> str:
    ids = sorted(sources)
    shown = ", ".join(ids[:SHOWN_SOURCES]) + (", …" if len(ids) > SHOWN_SOURCES else "")
    return f"Source ({shown}; new ones: claim-ledger source add)"


def _known_source(answer: str, sources: Mapping[str, Source]) -> str:
    from ..model import parse_source_id

    source_id = parse_source_id(answer)
    if source_id not in sources:
        raise NotFound(
            f"no source {source_id!r}: pick a known one, or leave (Ctrl-C) and run "
            f"'claim-ledger source add {source_id} --name NAME --kind KIND'"
        )
    return source_id


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
            raise NotFound(f"no claim #{target}: 'claim-ledger list' shows the claims")
        check_new_link(draft, relation, claims[target], links)
    targets = [t for _, t in (*entry.links, *wanted)]
    if len(set(targets)) != len(targets):
        raise InvalidInput("two links to one claim: a claim links to another once")
    return wanted


def _summary(entry: Entry, sources: Mapping[str, Source]) -> list[str]:
    source = sources[entry.source]
    lines = [
        f"{'Claim:':<9}{entry.text}",
        f"{'Source:':<9}{source.id} ({source.kind.value}, {source.party_label})",
    ]
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
