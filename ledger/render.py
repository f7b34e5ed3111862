"""Rich tables, panels and trees from analysis values.

User text is always wrapped in :class:`rich.text.Text` (never parsed as markup)
after :func:`printable` has made control characters visible, so nothing a user
typed or pasted can move the cursor, recolour the terminal, set the window
title or open a link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .analysis import Assessment
from .model import (
    CREDIBILITY_NAMES,
    RELIABILITY_NAMES,
    Claim,
    Figure,
    HistoryEntry,
    Imported,
    Party,
    Relation,
    Source,
    Status,
    grade,
    number,
)
from .report import Report
from .terminal import printable
from .words import as_typed, cut, grouped, plural, side, spoken, voice

if TYPE_CHECKING:  # names for annotations only: a listing need not load the checks or series
    from .analysis import Finding, MetricFigures, Series
    from .analysis.series import Row

STATUS_STYLE = {
    Status.confirmed: "green",
    Status.partly_confirmed: "cyan",
    Status.unconfirmed: "yellow",
    Status.disputed: "bold red",
    Status.superseded: "dim",
    Status.retracted: "dim strike",
}


def txt(value: object, style: str = "") -> Text:
    """User text as a Rich Text: literal, never markup, controls made visible."""
    return Text(printable("" if value is None else str(value)), style=style)


def make_console(stderr: bool = False) -> Console:
    # markup/emoji/highlight off: even a plain str we print is shown as it is.
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


class Output:
    """Where tables go: to a terminal as Rich draws them; to a pipe or a file, without the
    spaces Rich pads each line with to the table's width."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or make_console()

    @property
    def width(self) -> int:
        return self.console.width

    def print(self, renderable: object) -> None:
        if self.console.is_terminal:
            self.console.print(renderable)
            return
        with self.console.capture() as captured:
            self.console.print(renderable)
        self.console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


# --------------------------------------------------------------------------- cells


def status_text(status: Status) -> Text:
    return Text(status.value, style=STATUS_STYLE[status])


def _source_cell(report: Report, claim: Claim, *, kind: bool = True) -> Text:
    source = report.sources.get(claim.source)
    cell = txt(claim.source, "bold")
    if source is not None:
        cell.append("\n")
        cell.append(txt(spoken(side(source, kind=kind)), "dim"))  # wraps between words
    return cell


def _id(claim_id: int) -> Text:
    return Text(str(claim_id), style="cyan")


def _table(title: str, caption: str | None = None) -> Table:
    return Table(
        title=Text(title, style="bold"),
        caption=Text(caption) if caption else None,
        box=box.SIMPLE_HEAD,
        show_lines=False,
        expand=False,
        title_justify="left",
        caption_justify="left",
        pad_edge=False,
    )


# --------------------------------------------------------------------------- tables


def claims_table(report: Report, claims: Sequence[Claim], title: str = "Claims") -> Table:
    table = _table(title, _count(claims))
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Claim", ratio=3, min_width=20)
    table.add_column("Source", ratio=1, min_width=12, overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Grade", no_wrap=True)
    for claim in claims:
        a = report.assessments[claim.id]
        table.add_row(
            _id(claim.id),
            txt(claim.text),
            _source_cell(report, claim),
            status_text(a.status),
            Text(grade(report.sources.get(claim.source), a.credibility)),
        )
    return table


def unconfirmed_table(report: Report, claims: Sequence[Claim]) -> Table:
    table = _table(
        "Lacking independent confirmation",
        _count(claims) + "; grade = source reliability (A-F) + credibility (1-6)",
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Claim", ratio=3, min_width=18)
    table.add_column("Source", max_width=14, overflow="fold")
    table.add_column("Grade", no_wrap=True)
    table.add_column("Why", ratio=2, min_width=14)
    for claim in claims:
        a = report.assessments[claim.id]
        why = Text()
        if a.status is not Status.unconfirmed:
            why.append_text(status_text(a.status))
            why.append(": ")
        why.append_text(txt(a.reason))
        table.add_row(
            _id(claim.id),
            txt(claim.text),
            _source_cell(report, claim, kind=False),
            Text(grade(report.sources.get(claim.source), a.credibility)),
            why,
        )
    return table


def disputed_table(report: Report, claims: Sequence[Claim]) -> Table:
    table = _table("Disputed claims", _count(claims))
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Claim", ratio=1, min_width=16)
    table.add_column("Grade", no_wrap=True)
    table.add_column("Contradicted by", ratio=1, min_width=16)
    for claim in claims:
        a = report.assessments[claim.id]
        against = Text()
        for n, other_id in enumerate(a.contradicted_by):
            other = report.claims[other_id]
            if n:
                against.append("\n")
            against.append(f"#{other_id} ", style="cyan")
            against.append(txt(other.text))
            against.append(txt(f" ({_who(report, other)})", "dim"))
        own = txt(claim.text)
        own.append(txt(f"\n({_who(report, claim)})", "dim"))
        if a.confirmed_by:
            own.append(txt(f"\nyet independently confirmed by {_ids(a.confirmed_by)}", "green"))
        table.add_row(
            _id(claim.id),
            own,
            Text(grade(report.sources.get(claim.source), a.credibility)),
            against,
        )
    return table


# --------------------------------------------------------------------------- long listings

STREAM_ABOVE = 1000  # a listing of more rows, to a pipe or a file, comes as lines (listing_lines)


def _cell(value: object) -> str:
    """User text on one line of a tab-separated row: controls visible, breaks and tabs spaces."""
    return " ".join(printable("" if value is None else str(value)).split())


def _why(a: Assessment) -> str:
    return a.reason if a.status is Status.unconfirmed else f"{a.status.value}: {a.reason}"


def _side_of(report: Report, claim: Claim, _: Assessment) -> str:
    source = report.sources.get(claim.source)
    return side(source) if source is not None else ""


def _grade_of(report: Report, claim: Claim, a: Assessment) -> str:
    return grade(report.sources.get(claim.source), a.credibility)


_Column = tuple[str, Callable[[Report, Claim, Assessment], object]]
_CLAIM: list[_Column] = [
    ("#", lambda r, c, a: c.id),
    ("claim", lambda r, c, a: c.text),
    ("source", lambda r, c, a: c.source),
]
# The columns of each listing as lines: (header, the cell of a claim and its assessment).
_LINE_COLUMNS: dict[str, list[_Column]] = {
    "claims": [*_CLAIM, ("side", _side_of), ("status", lambda r, c, a: a.status.value), ("grade", _grade_of)],
    "unconfirmed": [*_CLAIM, ("grade", _grade_of), ("why", lambda r, c, a: _why(a))],
    "disputed": [
        *_CLAIM,
        ("grade", _grade_of),
        ("contradicted by", lambda r, c, a: _ids(a.contradicted_by)),
        ("confirmed by", lambda r, c, a: _ids(a.confirmed_by)),
    ],
}


def listing_lines(kind: str, report: Report, claims: Sequence[Claim]) -> Iterator[str]:
    """A long listing for a pipe or a file: a header line, then a tab-separated line per
    claim, each worked out as it is written. Rich lays a table out whole before its first
    row: 84 s and 1.2 GB for 100k rows."""
    columns = _LINE_COLUMNS[kind]
    yield "\t".join(name for name, _ in columns)
    for claim in claims:
        a = report.assessments[claim.id]
        yield "\t".join(_cell(cell(report, claim, a)) for _, cell in columns)


def findings_lines(found: Sequence[Finding]) -> Iterator[str]:
    """``check``'s findings for a pipe or a file, as :func:`listing_lines` gives claims: a header
    line, then a tab-separated line a finding (13,677 rows took Rich 5 s at 100k claims)."""
    yield "finding\twhat\tremedy"
    for f in found:
        yield "\t".join(_cell(cell) for cell in (f.code, f.message, f.remedy))


def sources_table(sources: Iterable[Source], counts: Mapping[str, Mapping[Status, int]]) -> Table:
    """Each source, with how many of its claims have each status."""
    sources = list(sources)
    table = _table("Sources", _count(sources, "source"))
    table.add_column("Id", no_wrap=True, style="bold")
    table.add_column("Name", min_width=len("administration"), ratio=1)
    table.add_column("Kind and party", min_width=len("administration"), max_width=16)
    table.add_column("Rel.", no_wrap=True)
    table.add_column("Claims", justify="right", no_wrap=True)
    none: Mapping[Status, int] = {}
    for s in sources:
        name = txt(s.name)
        if s.pseudonym:
            name.append(txt(f"\nconfidential: exported as {s.pseudonym}", "dim"))
        mine = counts.get(s.id, none)
        tally = Text(str(sum(mine.values())), style="bold")
        for st in Status:
            if mine.get(st):
                tally.append(f"\n{mine[st]} {st.value}", style=STATUS_STYLE[st])
        kind = txt(spoken(s.kind.value))
        kind.append(txt(f"\n{s.party_label}", "dim"))
        table.add_row(txt(s.id), name, kind, Text(s.reliability), tally)
    return table


def parties_table(parties: Sequence[Party], counts: Mapping[str, int]) -> Table:
    """Each party, the other names it is typed by, and how many sources speak for it."""
    table = _table("Parties", plural(len(parties), "party", "parties"))
    table.add_column("Party", no_wrap=True, style="bold")
    table.add_column("Also typed as", ratio=1)
    table.add_column("Sources", justify="right", no_wrap=True)
    for p in parties:
        table.add_row(txt(p.id), txt(", ".join(p.aliases)), Text(str(counts.get(p.id, 0))))
    return table


def figures_view(report: Report, groups: Sequence[MetricFigures]) -> Table | Text:
    """Per event, per metric: each origin's value with its claim, the range, and conflicts.

    One table, each event a heading row: Rich lays out one table much faster than many.
    """
    if not groups:
        return Text("No figures: record them with --figure killed=3 on 'add'.")
    conflicts = sum(g.conflict for g in groups)
    events = len({g.event for g in groups})
    table = _table(
        "Figures",
        f"{_count(groups, 'metric')} in {plural(events, 'event')}, {conflicts} in conflict",
    )
    table.add_column("Metric", no_wrap=True)
    table.add_column("Value", no_wrap=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Source", ratio=1, min_width=12, overflow="fold")
    table.add_column("Range", no_wrap=True)
    table.add_column("Conflict", ratio=1, min_width=8)
    event = None
    for g in groups:
        if g.event != event:
            event = g.event
            table.add_row(txt(event, "bold underline"), end_section=False)
        conflict = Text(g.conflict_words(), style="bold red") if g.conflict else Text("no", style="dim")
        for n, v in enumerate(g.values):
            notes = []
            if v.relayed_by:
                notes.append("relayed by " + _ids(v.relayed_by))
            if not v.current:
                notes.append(f"superseded by #{report.assessments[v.claim].superseded_by}")
            if v.relay_error:
                notes.append("relay error: differs from its origin")
            who = txt(voice(v.source, report.sources))
            if notes:
                who.append(txt("\n" + "; ".join(notes), "dim"))
            first = n == 0
            table.add_row(
                txt(f"  {g.metric}") if first else None,
                txt(v.figure.words, "" if v.current and not v.relay_error else "dim"),
                _id(v.claim),
                who,
                Text(_range(g)) if first else None,
                conflict if first else None,
            )
    return table


CHART_WIDTH = 30  # cells of the longest bar in a series chart


def series_view(series: Series, width: int = 100) -> Table | Text:
    """A metric over time: one row per period, one column per source, the claimant's
    confirmed floor and share, and a bar: the floor (█) inside the claim (░), as wide as
    ``width`` (the terminal's) leaves room for, so that no bar is cut."""
    if not series.rows:
        return Text(f"No figures of {series.metric}: record them with --figure {series.metric}=N on 'add'.")
    claimant = series.claimant
    caption = (
        f"{plural(len(series.rows), 'row')}, one per {series.every}; the floor is the strongest "
        f"independent figure under {claimant}'s, as of its date: █ confirmed, ░ not"
        if claimant
        else f"{plural(len(series.rows), 'row')}, one per {series.every}"
    )
    title = f"{series.metric}" + (f" ({series.event})" if series.event else "") + " over time"
    table = _table(title, caption)
    peak = series.peak()
    rows = [_series_cells(series, row) for row in series.rows]
    heads = ["As of", *(cut(source, 16) for source in series.sources), "Floor", "Share"]
    widths = [max([len(head), *(len(r[i].plain) for r in rows)]) for i, head in enumerate(heads)]
    bar = max(8, min(CHART_WIDTH, width - sum(widths) - 3 * len(widths) - 4))
    for i, head in enumerate(heads):  # numbers are never cut
        table.add_column(head, justify="left" if i == 0 else "right", no_wrap=True, min_width=widths[i])
    table.add_column("█ confirmed ░ not", no_wrap=True, min_width=bar)
    for cells, row in zip(rows, series.rows, strict=True):
        claimed = series.claimed(row)
        floor = row.floor.part if row.floor else 0
        table.add_row(*cells, _bar(claimed.figure.low if claimed else 0, floor, peak, bar))
    return table


def _series_cells(series: Series, row: Row) -> list[Text]:
    """One row of :func:`series_view`: the date, each source's value (dim when carried from
    an earlier day), the floor and the share."""
    cells = [txt(row.date)]
    for source in series.sources:
        said = row.values.get(source)
        late = said is not None and said.date[:10] != row.date
        cells.append(txt(_short_value(said.figure) if said else "-", "dim" if late else ""))
    floor = row.floor.part if row.floor else None
    cells.append(txt(grouped(floor) if floor is not None else "-"))
    cells.append(txt(f"{row.share}%" if row.share is not None else "-"))
    return cells


def _short_value(figure: Figure) -> str:
    return figure.said(grouped).replace("at least ", "≥").replace("more than ", ">").replace("about ", "~")


def _bar(claimed: float, floor: float, peak: float, width: int) -> Text:
    """The claim as a bar of ░ scaled to the series' peak, its confirmed floor as █ inside it."""
    if peak <= 0:
        return Text("")
    whole = round(width * claimed / peak)
    solid = min(whole, round(width * floor / peak))
    bar = Text("█" * solid, style="green")
    bar.append("░" * (whole - solid), style="yellow")
    return bar


def _range(g: MetricFigures) -> str:
    if g.low is None or g.high is None:
        return "-"
    span = number(g.low) if g.low == g.high else f"{number(g.low)}-{number(g.high)}"
    return span + ("+" if g.open_ended else "")


def findings_table(found: Sequence[Finding]) -> Table:
    """What ``check`` found: each finding, the records involved, and what to do."""
    table = _table("Findings", _count(found, "finding"))
    table.add_column("Finding", no_wrap=True, style="bold red")
    table.add_column("What", ratio=2, min_width=20)
    table.add_column("Remedy", ratio=1, min_width=16)
    for f in found:
        table.add_row(txt(f.code), txt(f.message), txt(f.remedy))
    return table


def import_table(added: Imported, shown: Sequence[tuple[str, Claim]]) -> Table:
    """What an import would add: each row ``shown``, the id its claim gets, its source and links."""
    table = _table("Would add", _count(added.claims))
    table.add_column("From", no_wrap=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Claim", ratio=3, min_width=18)
    table.add_column("Source", max_width=16, overflow="fold")
    table.add_column("Links", ratio=1, min_width=10)
    new_sources = {s.id for s in added.sources}
    links: dict[int, list[str]] = {}
    for lk in added.links:
        links.setdefault(lk.src, []).append(f"{lk.relation.value} #{lk.dst}")
    for where, claim in shown:
        source = txt(claim.source, "bold")
        if claim.source in new_sources:
            source.append(txt(" (new)", "green"))
        table.add_row(
            txt(where),
            _id(claim.id),
            txt(claim.text),
            source,
            txt("\n".join(links.get(claim.id, ()))),
        )
    return table


def _who(report: Report, claim: Claim) -> str:
    return voice(claim.source, report.sources)


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(f"#{i}" for i in ids)


def _count(items: Sequence[object], noun: str = "claim") -> str:
    return plural(len(items), noun)


# --------------------------------------------------------------------------- one claim


_RELATION_IN = {
    Relation.repeats: "repeated by",
    Relation.corroborates: "corroborated by",
    Relation.contradicts: "contradicted by",
    Relation.updates: "updated by",
}


def claim_view(report: Report, claim: Claim, history: Sequence[HistoryEntry]) -> Group:
    a = report.assessments[claim.id]
    source = report.sources.get(claim.source)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    said = f" — {source.name} ({side(source)})" if source else " (unknown source)"
    facts.add_row("Source", txt(claim.source + said))
    status = status_text(a.status)
    status.append(": ")
    status.append(txt(a.reason))
    facts.add_row("Status", status)
    cred = grade(source, a.credibility)
    meaning = [RELIABILITY_NAMES[source.reliability if source else "F"]]
    if a.credibility is not None:
        meaning.append(CREDIBILITY_NAMES[a.credibility])
    facts.add_row("Grade", Text(f"{cred} ({'; '.join(meaning)})"))
    facts.add_row("Origin", txt(", ".join(a.origin)))
    for label, value in (
        ("Date", claim.date),
        ("Event", claim.event),
        ("Location", claim.location),
        ("Figures", ", ".join(str(f) for f in claim.figures)),
        ("Tags", ", ".join(claim.tags)),
        ("URL", claim.url),
        ("Archive", claim.archive_url),
        ("Retrieved", claim.retrieved_at),
        ("Quote", claim.quote),
        ("Recorded", claim.recorded_at),
    ):
        if value:
            facts.add_row(label, txt(value))
    panel = Panel(
        Group(txt(claim.text, "bold"), Text(""), facts),
        title=Text(f"#{claim.id}", style="cyan"),
        title_align="left",
        box=box.ROUNDED,
    )
    parts: list[object] = [panel, links_tree(report, claim)]
    if history:
        parts.append(history_table(history))
    return Group(*parts)


def links_tree(report: Report, claim: Claim) -> Tree:
    """The claim's links; relays of relays are followed down the story."""
    tree = Tree(Text(f"Links of #{claim.id}", style="bold"))
    if not report.links_of(claim.id):
        tree.add(Text("none: link it with 'claim-ledger link'", style="dim"))
        return tree
    _grow(report, claim.id, tree, {claim.id})
    return tree


def _grow(report: Report, claim_id: int, node: Tree, seen: set[int]) -> None:
    for lk in sorted(report.links_of(claim_id), key=lambda x: (x.relation.value, x.id)):
        other_id = lk.other(claim_id)
        outgoing = lk.src == claim_id
        verb = lk.relation.value if outgoing else _RELATION_IN[lk.relation]
        other = report.claims.get(other_id)
        label = Text(
            f"{verb} ",
            style=STATUS_STYLE.get(
                {Relation.contradicts: Status.disputed, Relation.corroborates: Status.confirmed}.get(
                    lk.relation, Status.superseded
                ),
                "",
            ),
        )
        label.append(f"#{other_id} ", style="cyan")
        if other is None:
            label.append("(missing claim)", style="red")
        else:
            label.append(txt(_short(other.text)))
            label.append(txt(f" ({_who(report, other)})", "dim"))
        if lk.note:
            label.append(txt(f" — {lk.note}", "italic dim"))
        child = node.add(label)
        if lk.relation is Relation.repeats and not outgoing and other_id not in seen:
            seen.add(other_id)
            _grow_relays(report, other_id, child, seen)


def _grow_relays(report: Report, claim_id: int, node: Tree, seen: set[int]) -> None:
    for lk in report.links_of(claim_id):
        if lk.relation is Relation.repeats and lk.dst == claim_id and lk.src not in seen:
            seen.add(lk.src)
            relay = report.claims.get(lk.src)
            label = Text("repeated by ", style="dim")
            label.append(f"#{lk.src} ", style="cyan")
            if relay is not None:
                label.append(txt(_short(relay.text)))
                label.append(txt(f" ({_who(report, relay)})", "dim"))
            _grow_relays(report, lk.src, node.add(label), seen)


def _short(text: str) -> str:
    return cut(text, 60)


def history_table(entries: Sequence[HistoryEntry]) -> Table:
    table = _table("History")
    table.add_column("When", no_wrap=True)
    table.add_column("What", no_wrap=True)
    table.add_column("Detail", ratio=1)
    for h in entries:
        table.add_row(txt(h.at), txt(h.action), txt(describe_change(h)))
    return table


def describe_change(entry: HistoryEntry) -> str:
    detail = entry.detail
    link = detail.get("link")
    if isinstance(link, dict):
        return f"#{link.get('from')} {link.get('relation')} #{link.get('to')}"
    new, old = detail.get("new"), detail.get("old")
    if isinstance(new, dict) and isinstance(old, dict):
        return "; ".join(f"{k}: {as_typed(old.get(k))} → {as_typed(v)}" for k, v in new.items())
    if entry.action in ("add", "source-add"):
        return "recorded"
    gone = detail.get("claim")
    if entry.action == "delete" and isinstance(gone, dict):
        links = detail.get("links") or []
        return f"deleted: {gone.get('text')!r} ({gone.get('source')}) and {len(links)} link(s)"
    return ""


def source_view(
    source: Source, report: Report, claims: Sequence[Claim], history: Sequence[HistoryEntry] = ()
) -> Group:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    for label, value in (
        ("Name", source.name),
        ("Kind", source.kind.value),
        ("Party", source.party_label),
        ("Reliability", f"{source.reliability} ({RELIABILITY_NAMES[source.reliability]})"),
        ("URL", source.url),
        ("Notes", source.notes),
        ("Added", source.created_at),
        ("Confidential", f"exports call it {source.pseudonym}" if source.pseudonym else None),
    ):
        if value:
            facts.add_row(label, txt(value))
    panel = Panel(facts, title=txt(source.id, "bold"), title_align="left", box=box.ROUNDED)
    parts: list[object] = [panel, claims_table(report, claims, f"Claims by {printable(source.id)}")]
    if history:
        parts.append(history_table(history))
    return Group(*parts)
