"""The Markdown report: GitHub-flavoured Markdown a newsroom can paste, raw or rendered.

All user text goes through :func:`text`, which makes it inline Markdown that
shows exactly that text: no markup, no HTML, no links of its own, no line
breaks that could end a table row. Links are only ever built here, from
``http(s)`` addresses, by :func:`link`.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from ..analysis import Finding, MetricFigures, figures
from ..model import CREDIBILITY_NAMES, RELIABILITY_NAMES, Claim, Relation, Source, Status, grade, number
from ..report import NO_FILTERS, Filters, Report, confirmed, disputed, lacking_confirmation
from ..terminal import UNSAFE_CHARS, printable
from ..words import plural, side, spoken, who

# Always special inline: backslash, code, emphasis, links, HTML, tables, strikethrough, math.
_ALWAYS = re.compile(r"([\\`*\[\]<|~$])")
# '_' only opens or closes emphasis at a word's edge; inside a word (snake_case) it is inert.
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# '&' only starts a character reference before a name or '#'.
_ENTITY_START = re.compile(r"&(?=[#A-Za-z0-9])")
# At the start of a line these open a block: heading, quote, list, setext underline.
_BLOCK_START = re.compile(r"^([#>+=\-])")
_ORDERED_START = re.compile(r"^(\d+)([.)])")
# Text with none of the above: no special character, no line break, no block start, no edge space.
# ... and nothing printable() would change: such text is its own Markdown.
_PLAIN = re.compile(r"(?![#>+=\-\s]|\d+[.)])[^\\`*\[\]<|~$_&\r\n" + UNSAFE_CHARS + r"]*(?<!\s)")
# What GitHub turns into a link by itself in plain text (its autolink extension): a scheme's
# "://", a "www." and an e-mail's "@". Escaped, they show as typed and link nowhere.
_WWW = re.compile(r"www\.", re.IGNORECASE)
_AUTOLINK = re.compile(r"(?<=[A-Za-z])(:)(?=//)|(?<![\w.])(www)(\\?\.)|(?<=\w)(@)(?=\w)", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
# Unsafe in a link destination or a table cell: percent-encode them, as browsers do.
_URL_ENCODE = str.maketrans({c: f"%{ord(c):02X}" for c in ' "<>\\^`{|}'})


def text(value: object) -> str:
    """User text as inline Markdown showing exactly that text, on one line.

    Control and invisible characters are made visible as in the terminal;
    line breaks become ``<br>`` (the only HTML the report contains).
    """
    raw = "" if value is None else str(value)
    if _PLAIN.fullmatch(raw) and not _linkish(raw):
        return raw  # the common case, and most of a big report's cells: nothing to escape
    raw = printable(raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    escaped = _ALWAYS.sub(r"\\\1", raw)
    escaped = _EDGE_UNDERSCORE.sub(r"\\_", escaped)
    escaped = _ENTITY_START.sub(r"\\&", escaped)
    escaped = _AUTOLINK.sub(_inert, escaped)
    lines = [line.strip() for line in escaped.split("\n")]
    return "<br>".join(_ORDERED_START.sub(r"\1\\\2", _BLOCK_START.sub(r"\\\1", line)) for line in lines)


def _linkish(raw: str) -> bool:
    """Whether GitHub would make a link of something in ``raw`` (cheap tests first: a report
    of 100k claims asks this half a million times)."""
    return "@" in raw or "://" in raw or ("." in raw and _WWW.search(raw) is not None)


def _inert(match: re.Match[str]) -> str:
    """``https\\://``, ``www\\.``, ``a\\@b``: shown as typed, never a link."""
    if match.group(1):
        return "\\:"
    if match.group(2):
        return match.group(2) + "\\."
    return "\\@"


def code(value: str) -> str:
    """An identifier (source id, event, metric) as inline code, or as text if it cannot be."""
    if value and re.fullmatch(r"[^\s`|\\<>]+", value) and printable(value) == value:
        return f"`{value}`"
    return text(value)


def link(label: str, url: str | None) -> str:
    """``[label](url)`` for an http(s) address; anything else is shown as text, never linked."""
    if not url or not _URL.fullmatch(url):
        return text(url) if url else ""
    dest = url.translate(_URL_ENCODE)
    dest = re.sub(r"([()])", r"\\\1", dest)
    dest = _ENTITY_START.sub(r"\\&", dest)
    return f"[{text(label)}]({dest})"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[int] = ()) -> list[str]:
    """A GFM table; ``right`` are the columns to right-align (numbers)."""
    aligned = set(right)
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---:" if i in aligned else "---" for i in range(len(headers))) + " |",
    ]
    lines.extend(["| " + " | ".join([cell or " " for cell in row]) + " |" for row in rows])
    return lines


# --------------------------------------------------------------------------- the report

METHOD = (
    "**Independence.** Claims joined by *repeats* form one story: a statement relayed by "
    "three outlets is one voice, not four. Its origin is the sources of its original "
    "claims. A claim is independently confirmed when a claim outside its story, not "
    "retracted, corroborates it, and that claim's origin shares neither a source nor a "
    "party with its own (two sources of one side do not confirm each other; unaligned "
    "sources have no party). Corroboration that runs back to the claim's own origin is "
    "circular reporting and counts for nothing.",
    "**Status and credibility.** *Confirmed*: independently confirmed and not "
    "contradicted. *Disputed*: contradicted by a claim outside its story that is not "
    "retracted. *Unconfirmed*: neither. *Superseded*: a later statement of the same "
    "source updates it. *Retracted*: its source withdrew it. The grade (e.g. F3) is the "
    "source's reliability, A (completely reliable) to F (cannot be judged), set by the "
    "analyst, then the claim's credibility on the Admiralty scale, computed from the "
    "links: " + "; ".join(f"{n} {name}" for n, name in CREDIBILITY_NAMES.items()) + ". Figures "
    "are intervals; values of one event and metric from different origins that cannot "
    "both be true are marked as a conflict.",
)

SECTIONS = (
    "Claims lacking independent confirmation",
    "Disputed claims",
    "Figures",
    "Confirmed claims",
    "Sources",
)
SUMMARY = "Claims by source and status"
OVER_TIME = "Numbers over time"
GAPS = "Largest gaps between claimed and confirmed"
FINDINGS = "Findings"
LEFT_OUT = "Claim tables"
METHOD_TITLE = "Method"
GRAPH = "Link graph"
# Mermaid refuses a diagram of more than 500 edges or 50,000 characters (its defaults, which
# GitHub keeps); 250 links with up to 500 boxes stay well inside both.
GRAPH_LINKS = 250


# Past this many claims, the claim tables come only with --full or filters: the summary leads.
FULL_UP_TO = 500


def report(
    rep: Report,
    *,
    name: str,
    now: str,
    filters: Filters = NO_FILTERS,
    graph: bool = False,
    claims: Sequence[Claim] | None = None,
    full: bool = False,
    found: Sequence[Finding] | None = None,
) -> str:
    """The report for the claims ``filters`` selects (``claims``, if already selected): the
    summary, then the claim tables (for a large ledger only when ``full`` or filtered), then
    the method. ``found``: the ledger's ``check`` findings, counted by kind in the summary."""
    from . import summary

    claims = rep.select(filters) if claims is None else claims
    lines = ["# Claim ledger report", ""]
    applied = filters.describe()
    lines.append(
        f"Generated {text(now)} from the ledger {code(name)}. "
        + (f"Filters: {text('; '.join(applied))}." if applied else "No filters: every claim.")
    )
    lines += ["", _summary(rep, claims), "", f"## {SUMMARY}", "", *summary.by_source(rep, claims), ""]
    over_time = summary.tracked(rep, claims)
    if over_time:
        lines += [f"## {OVER_TIME}", ""]
        for s in over_time:
            lines += [f"### {code(s.metric)} ({code(s.event or '')})", "", *summary.metric_section(s), ""]
        lines += [f"## {GAPS}", "", *summary.gaps(over_time), ""]
    if found is not None:
        lines += [f"## {FINDINGS}", "", *summary.findings_by_kind(found), ""]
    if full or applied or len(claims) <= FULL_UP_TO:
        lines += _sections(rep, claims, whole=not applied)
    else:
        lines += [f"## {LEFT_OUT}", "", _left_out(len(claims)), ""]
    lines += [f"## {METHOD_TITLE}", ""] + [line for item in METHOD for line in (item, "")]
    if graph:
        lines += [f"## {GRAPH}", "", *_graph(rep, claims), ""]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def _left_out(count: int) -> str:
    return (
        f"{plural(count, 'claim')} are too many to list here: the tables of claims lacking "
        "confirmation, disputed and confirmed, and of every figure, come with "
        "`claim-ledger export markdown --full`, or for the claims a filter selects "
        "(`--source`, `--status`, `--event`, `--since`...)."
    )


def _sections(rep: Report, claims: Sequence[Claim], *, whole: bool) -> list[str]:
    lines: list[str] = []
    sections = (
        _lacking(rep, claims),
        _disputed(rep, claims),
        _figures(rep, claims),
        _confirmed(rep, claims),
        _sources(rep, claims, whole=whole),
    )
    for title, body in zip(SECTIONS, sections, strict=True):
        lines += [f"## {title}", ""]
        for item in body:
            lines += [item, ""] if not item.startswith("|") else [item]
        if body and body[-1].startswith("|"):
            lines.append("")
    return lines


def _summary(rep: Report, claims: Sequence[Claim]) -> str:
    counts = Counter(rep.assessments[c.id].status for c in claims)
    sources = {c.source for c in claims}
    lacking = counts[Status.unconfirmed] + counts[Status.disputed] + counts[Status.partly_confirmed]
    rare = (Status.superseded, Status.partly_confirmed)  # named only where some claim has them
    parts = [f"{counts[s]} {s.value}" for s in Status if s not in rare or counts[s]]
    return (
        f"**{plural(len(claims), 'claim')}** from **{plural(len(sources), 'source')}**: "
        + ", ".join(parts)
        + f". **{lacking}** lack independent confirmation."
    )


def _none(what: str) -> list[str]:
    return [f"No {what}."]


def _who(rep: Report, claim: Claim) -> str:
    """```press` (press, unaligned)``: who said it."""
    return _voice(claim.source, rep.sources.get(claim.source))


@functools.lru_cache(maxsize=4096)
def _voice(source_id: str, source: Source | None) -> str:
    detail = f" ({text(spoken(side(source)))})" if source else ""
    return f"{code(source_id)}{detail}"


def _grade(rep: Report, claim: Claim) -> str:
    return grade(rep.sources.get(claim.source), rep.assessments[claim.id].credibility)


def _seen(claim: Claim) -> str:
    return " · ".join(x for x in (link("source", claim.url), link("archive", claim.archive_url)) if x)


def _refs(rep: Report, ids: Iterable[int]) -> str:
    return "<br>".join(f"#{i} {text(rep.claims[i].text)} — {_who(rep, rep.claims[i])}" for i in ids)


def _claims_table(
    rep: Report,
    chosen: Sequence[Claim],
    none: str,
    headers: Sequence[str],
    cells: Callable[[Claim], list[str]],
) -> list[str]:
    """A table of claims: id, text and source, then ``headers`` filled by ``cells``."""
    if not chosen:
        return _none(none)
    return table(
        ["#", "Claim", "Source", *headers],
        ([str(c.id), text(c.text), _who(rep, c), *cells(c)] for c in chosen),
        right=[0],
    )


def _lacking(rep: Report, claims: Sequence[Claim]) -> list[str]:
    def cells(c: Claim) -> list[str]:
        a = rep.assessments[c.id]
        return [text(c.date or ""), _grade(rep, c), f"{a.status.value}: {text(a.reason)}", _seen(c)]

    return _claims_table(
        rep,
        lacking_confirmation(claims, rep.assessments),
        "claim lacks independent confirmation",
        ["Date", "Grade", "Why", "Seen at"],
        cells,
    )


def _disputed(rep: Report, claims: Sequence[Claim]) -> list[str]:
    def cells(c: Claim) -> list[str]:
        a = rep.assessments[c.id]
        return [_grade(rep, c), _refs(rep, a.contradicted_by), _refs(rep, a.confirmed_by) or "nothing"]

    return _claims_table(
        rep,
        disputed(claims, rep.assessments),
        "claim is disputed",
        ["Grade", "Contradicted by", "Independently confirmed by"],
        cells,
    )


def _figures(rep: Report, claims: Sequence[Claim]) -> list[str]:
    groups = figures(claims, rep.assessments)
    if not groups:
        return _none("figures in these claims")
    conflicts = sum(g.conflict for g in groups)
    lead = (
        f"**{plural(conflicts, 'conflict')}**: values from different origins that cannot both be true."
        if conflicts
        else "No conflicts: every origin's values overlap."
    )
    return [
        lead,
        *table(
            ["Event", "Metric", "Values by origin", "Low", "High", "Conflict"],
            ([code(g.event), code(g.metric), _values(rep, g), *_range(g), _conflict(g)] for g in groups),
            right=[3, 4],
        ),
    ]


def _values(rep: Report, g: MetricFigures) -> str:
    cells = []
    for v in g.values:
        cell = f"{text(v.figure.words)} — #{v.claim} {_who(rep, rep.claims[v.claim])}"
        notes = []
        if v.relayed_by:
            notes.append("relayed by " + ", ".join(f"#{i}" for i in v.relayed_by))
        if not v.current:
            notes.append(f"superseded by #{rep.assessments[v.claim].superseded_by}")
        if v.relay_error:
            notes.append(f"relay error: its origin ({', '.join(v.origin)}) says otherwise")
        if notes:
            cell += " (" + text("; ".join(notes)) + ")"
        cells.append(cell)
    return "<br>".join(cells)


def _range(g: MetricFigures) -> list[str]:
    if g.low is None:
        return ["—", "—"]
    assert g.high is not None  # set whenever low is
    return [number(g.low), number(g.high) + (" or more" if g.open_ended else "")]


def _conflict(g: MetricFigures) -> str:
    return f"**yes**: {g.conflict_words()}" if g.conflict else "no"


def _confirmed(rep: Report, claims: Sequence[Claim]) -> list[str]:
    def cells(c: Claim) -> list[str]:
        confirmers = rep.assessments[c.id].confirmed_by
        return [_grade(rep, c), ", ".join(f"#{i} {_who(rep, rep.claims[i])}" for i in confirmers)]

    return _claims_table(
        rep,
        confirmed(claims, rep.assessments),
        "claim is independently confirmed",
        ["Grade", "Confirmed by"],
        cells,
    )


def _sources(rep: Report, claims: Sequence[Claim], *, whole: bool) -> list[str]:
    counts = Counter(c.source for c in claims)
    shown: list[Source] = [s for s in rep.sources.values() if whole or counts[s.id]]
    if not shown:
        return _none("sources")
    return table(
        ["Source", "Name", "Kind", "Party", "Reliability", "Claims"],
        (
            [
                code(s.id),
                link(s.name, s.url) if s.url else text(s.name),
                text(spoken(s.kind.value)),
                text(s.party_label),
                f"{s.reliability} ({RELIABILITY_NAMES[s.reliability]})",
                str(counts[s.id]),
            ]
            for s in sorted(shown, key=lambda s: s.id)
        ),
        right=[5],
    )


# --------------------------------------------------------------------------- Mermaid

_EDGE = {
    Relation.corroborates: "-->|corroborates|",
    Relation.contradicts: "--x|contradicts|",
    Relation.repeats: "==>|repeats|",
    Relation.updates: "-.->|updates|",
}
_STYLE = {
    Status.confirmed: "fill:#d4edda,stroke:#2e7d32",
    Status.partly_confirmed: "fill:#e8f5e9,stroke:#2e7d32,stroke-dasharray:4",
    Status.unconfirmed: "fill:#fff3cd,stroke:#b8860b",
    Status.disputed: "fill:#f8d7da,stroke:#c62828",
    Status.superseded: "fill:#eeeeee,stroke:#9e9e9e",
    Status.retracted: "fill:#eeeeee,stroke:#9e9e9e,stroke-dasharray:4",
}


def _graph(rep: Report, claims: Sequence[Claim]) -> list[str]:
    """A Mermaid flowchart of the links among ``claims``: one box per linked claim."""
    chosen = {c.id for c in claims}
    links = sorted((lk for lk in rep.links if lk.src in chosen and lk.dst in chosen), key=lambda lk: lk.id)
    if not links:
        return _none("links between these claims")
    lead = []
    if len(links) > GRAPH_LINKS:
        lead = [
            f"The first {GRAPH_LINKS} of {len(links):,} links: GitHub draws no diagram larger than "
            "that. Filter the report (by event, say) to draw the rest.",
            "",
        ]
        links = links[:GRAPH_LINKS]
    linked = sorted({lk.src for lk in links} | {lk.dst for lk in links})
    lines = [*lead, "```mermaid", "flowchart LR"]
    for cid in linked:
        claim = rep.claims[cid]
        source = rep.sources.get(claim.source)
        label = f"{cid}: {_mermaid_label(who(claim.source, source, kind=False))}"
        lines.append(f'  c{cid}["{label}"]:::{rep.assessments[cid].status.name}')
    lines += [f"  c{lk.src} {_EDGE[lk.relation]} c{lk.dst}" for lk in links]
    used = {rep.assessments[cid].status for cid in linked}
    lines += [f"  classDef {s.name} {_STYLE[s]}" for s in Status if s in used]
    lines.append("```")
    return lines


def _mermaid_label(value: str) -> str:
    """Text inside a quoted Mermaid label: only letters, digits and plain punctuation survive."""
    return re.sub(r"[^\w .,:/()-]", "_", printable(value, single_line=True))
