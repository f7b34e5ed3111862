"""The Markdown report, read back with a real CommonMark + GFM-tables parser (markdown-it-py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ledger import ops
from ledger.analysis import figures
from ledger.export import markdown
from ledger.model import Status
from ledger.report import Filters, Report
from ledger.store import memory_store
from ledger.terminal import printable

from .conftest import NOW

NOW_WORDS = "2024-01-01 12:00 UTC"


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    cells: list[list[Token]] = field(default_factory=list)  # each body cell's inline token


@dataclass
class Parsed:
    tokens: list[Token]
    sections: dict[str, list[Table]]  # h2 title -> its tables
    h2: list[str]


def cell_text(inline: Token) -> str:
    """What a reader sees in a cell: text, with <br> as a line break."""
    out = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "html_inline":
            assert child.content == "<br>", child.content
            out.append("\n")
        elif child.type == "softbreak":
            out.append("\n")
    return "".join(out)


def parse(text: str) -> Parsed:
    tokens = parser().parse(text)
    sections: dict[str, list[Table]] = {}
    h2: list[str] = []
    current = None
    table = None
    row: list[str] | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2":
            current = tokens[i + 1].content
            h2.append(current)
            sections[current] = []
        elif tok.type == "table_open":
            table = Table([])
            sections.setdefault(current or "", []).append(table)
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and row is not None and table is not None:
            row.append(cell_text(tok))
            if tokens[i - 1].type == "td_open":
                if not table.cells or len(table.cells[-1]) == len(table.header):
                    table.cells.append([])
                table.cells[-1].append(tok)
        elif tok.type == "tr_close" and table is not None and row is not None:
            if not table.header:
                table.header = row
            else:
                table.rows.append(row)
            row = None
        elif tok.type == "table_close":
            table = None
    return Parsed(tokens, sections, h2)


def column(table: Table, name: str) -> list[str]:
    i = table.header.index(name)
    return [r[i] for r in table.rows]


# A small ledger's report: the summary, every claim table, the method (no findings passed).
H2 = [markdown.SUMMARY, *markdown.SECTIONS, markdown.METHOD_TITLE]


def _report(rep: Report, **kwargs) -> str:
    return markdown.report(rep, name="kharkiv", now=NOW_WORDS, **kwargs)


# --------------------------------------------------------------------------- the sample's report


def test_the_sample_report_has_every_section_with_one_row_per_claim(sample_report):
    text = _report(sample_report)
    doc = parse(text)
    assert doc.h2 == H2
    statuses = Counter(a.status for a in sample_report.assessments.values())

    (lacking,) = doc.sections["Claims lacking independent confirmation"]
    assert len(lacking.rows) == statuses[Status.unconfirmed] + statuses[Status.disputed] == 19
    (disputed,) = doc.sections["Disputed claims"]
    assert len(disputed.rows) == statuses[Status.disputed] == 2
    (confirmed,) = doc.sections["Confirmed claims"]
    assert len(confirmed.rows) == statuses[Status.confirmed] == 1
    (sources,) = doc.sections["Sources"]
    assert column(sources, "Source") == sorted(sample_report.sources)
    assert column(sources, "Claims") == [
        str(sum(c.source == s for c in sample_report.claims.values())) for s in sorted(sample_report.sources)
    ]
    (figs,) = doc.sections["Figures"]
    assert len(figs.rows) == len(figures(sample_report.claims.values(), sample_report.assessments))
    (by_source,) = doc.sections[markdown.SUMMARY]
    assert column(by_source, "Source") == sorted(sample_report.sources)
    for source, total in zip(column(by_source, "Source"), column(by_source, "All"), strict=True):
        assert int(total) == sum(c.source == source for c in sample_report.claims.values())

    for table in (lacking, disputed, confirmed):
        for claim_id, claim_text in zip(column(table, "#"), column(table, "Claim"), strict=True):
            assert claim_text == sample_report.claims[int(claim_id)].text
    for claim_id, why in zip(column(lacking, "#"), column(lacking, "Why"), strict=True):
        a = sample_report.assessments[int(claim_id)]
        assert why == f"{a.status.value}: {a.reason}"
    assert column(confirmed, "Grade") == ["F1"]


def test_the_report_says_when_from_what_and_how_many(sample_report):
    doc = parse(_report(sample_report))
    paragraphs = [
        t.content
        for i, t in enumerate(doc.tokens)
        if t.type == "inline" and doc.tokens[i - 1].type == "paragraph_open"
    ]
    assert doc.tokens[1].content == "Claim ledger report"
    assert paragraphs[0] == f"Generated {NOW_WORDS} from the ledger `kharkiv`. No filters: every claim."
    assert paragraphs[1] == (
        "**20 claims** from **4 sources**: 1 confirmed, 17 unconfirmed, 2 disputed, 0 retracted. "
        "**19** lack independent confirmation."
    )
    method = doc.h2.index("Method")
    assert "circular reporting" in " ".join(paragraphs[-2:]) and method == len(doc.h2) - 1


def test_filters_narrow_every_section_and_are_named_in_the_header(sample_report):
    filters = Filters(events=frozenset({"belgorod-2023-12-30"}), statuses=frozenset({Status.unconfirmed}))
    text = _report(sample_report, filters=filters)
    doc = parse(text)
    assert "Filters: event: belgorod-2023-12-30; status: unconfirmed." in text
    (lacking,) = doc.sections["Claims lacking independent confirmation"]
    assert column(lacking, "#") == ["5", "14", "16"]
    assert doc.sections["Disputed claims"] == [] and "No claim is disputed." in text
    (sources,) = doc.sections["Sources"]
    assert column(sources, "Source") == ["press", "ru-officials"]
    (figs,) = doc.sections["Figures"]
    assert {r[1] for r in figs.rows} == {"children_killed", "injured", "killed"}


def test_the_graph_draws_each_relation_its_own_way(sample_report):
    doc = parse(_report(sample_report, graph=True))
    assert doc.h2[-1] == markdown.GRAPH
    (fence,) = [t for t in doc.tokens if t.type == "fence"]
    assert fence.info == "mermaid"
    lines = fence.content.splitlines()
    assert lines[0] == "flowchart LR"
    edges = [line.strip() for line in lines if line.strip().startswith("c") and "|" in line]
    assert sorted(edges) == sorted(
        [
            "c7 ==>|repeats| c6",
            "c8 --x|contradicts| c1",
            "c8 -->|corroborates| c2",
            "c15 ==>|repeats| c13",
            "c16 ==>|repeats| c5",
        ]
    )
    assert 'c8["8: press (unaligned)"]:::disputed' in fence.content


def test_figure_conflicts_are_marked():
    store = memory_store()
    for party in ("UA", "RU"):
        ops.add_party(store, party, now=NOW)
    ops.add_source(store, "ua", name="UA", kind="military", party="UA", now=NOW)
    ops.add_source(store, "ru", name="RU", kind="defence_ministry", party="RU", now=NOW)
    ops.add_claim(store, "At least 45 killed", source="ua", event="e", figures=["killed>=45"], now=NOW)
    ops.add_claim(store, "39 killed", source="ru", event="e", figures=["killed=39"], now=NOW)
    doc = parse(_report(ops.report(store)))
    (figs,) = doc.sections["Figures"]
    assert figs.rows == [
        [
            "e",
            "killed",
            "at least 45 — #1 ua (military, UA)\n39 — #2 ru (defence ministry, RU)",
            "39",
            "45 or more",
            "yes: #1 vs #2",
        ]
    ]


def test_urls_become_links_and_nothing_else_does():
    store = memory_store()
    ops.add_source(store, "p", name="Paper", kind="press", url="https://example.org/about", now=NOW)
    url = "https://en.wikipedia.org/wiki/Kharkiv_(city)?a=1&b=|x|"
    ops.add_claim(
        store,
        "See [x](javascript:alert(1)) and <https://evil.example> or <script>alert(1)</script>",
        source="p",
        url=url,
        archive_url="https://archive.example/abc",
        now=NOW,
    )
    doc = parse(_report(ops.report(store)))
    inline = [c for t in doc.tokens if t.type == "inline" for c in t.children or ()]
    links = [t for t in inline if t.type == "link_open"]
    md = parser()
    assert [t.attrs["href"] for t in links] == [
        md.normalizeLink(url.replace("|", "%7C")),
        "https://archive.example/abc",
        "https://example.org/about",
    ]
    assert not [
        t
        for t in doc.tokens
        if t.type == "inline"
        for t in t.children or ()
        if t.type == "html_inline" and t.content != "<br>"
    ]
    (lacking,) = doc.sections["Claims lacking independent confirmation"]
    assert column(lacking, "Claim") == [ops.report(store).claims[1].text]
    assert column(lacking, "Seen at") == ["source · archive"]


HOSTILE = [
    "a | b || c",
    "line one\nline two\r\nline three\rfour",
    "`code` and ``more``",
    "<script>alert(1)</script>",
    "# not a heading",
    "[x](javascript:alert(1))",
    "![img](https://example.org/x.png)",
    "**bold** _em_ ~~gone~~ $x$ &amp; &#35; \\| \\",
    "1. not a list",
    "- not a list either",
    "> not a quote",
    "---",
    "===",
    "\x1b]0;title\x07 bidi \u202e override",
    "snake_case_name and _edge_",
    "Харків 🚀 ‮",
]


def expected_cell(value: str) -> str:
    value = printable(value.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.strip() for line in value.split("\n")).strip()


def report_with(claim_text: str, source_name: str = "Source") -> str:
    """Two claims with ``claim_text`` that contradict each other, one by a source named ``source_name``."""
    store = memory_store()
    ops.add_source(store, "src", name=source_name, kind="press", now=NOW)
    ops.add_party(store, "X", now=NOW)
    ops.add_source(store, "other", name="Other", kind="ngo", party="X", now=NOW)
    ops.add_claim(store, claim_text, source="src", now=NOW)
    ops.add_claim(store, claim_text, source="other", contradicts=[1], now=NOW)
    return _report(ops.report(store))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_stays_text_in_its_cell(hostile):
    text = report_with(hostile, source_name=hostile)
    doc = parse(text)
    (lacking,) = doc.sections["Claims lacking independent confirmation"]
    assert len(lacking.rows) == 2 and all(len(r) == len(lacking.header) == 7 for r in lacking.rows)
    assert column(lacking, "Claim") == [expected_cell(hostile)] * 2
    (sources,) = doc.sections["Sources"]
    assert column(sources, "Name") == ["Other", expected_cell(hostile)]
    allowed = {"text", "html_inline", "code_inline", "strong_open", "strong_close"}
    for cell_tokens in lacking.cells:
        for inline in cell_tokens:
            assert {c.type for c in inline.children or ()} <= allowed
    assert doc.h2 == H2


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_text_comes_back_from_its_cell_unchanged_and_adds_no_row_or_column(value):
    doc = parse(report_with(value, source_name=value))
    (lacking,) = doc.sections["Claims lacking independent confirmation"]
    assert [len(r) for r in lacking.rows] == [7, 7]
    assert column(lacking, "Claim") == [expected_cell(value)] * 2
    (disputed,) = doc.sections["Disputed claims"]
    assert [len(r) for r in disputed.rows] == [6, 6]
    assert column(disputed, "Claim") == [expected_cell(value)] * 2
    (sources,) = doc.sections["Sources"]
    assert [len(r) for r in sources.rows] == [6, 6]
    assert column(sources, "Name") == ["Other", expected_cell(value)]
    assert doc.h2 == H2
    for inline in (c for row in lacking.cells for c in row):
        assert not any(c.type in ("link_open", "image", "em_open", "s_open") for c in inline.children or ())


def test_a_big_graph_is_cut_to_what_mermaid_will_draw_and_says_so():
    store = memory_store()
    ops.add_source(store, "a", name="A", kind="press", now=NOW)
    ops.add_party(store, "UA", now=NOW)
    ops.add_source(store, "b", name="B", kind="military", party="UA", now=NOW)
    for n in range(1, 602):
        ops.add_claim(store, f"claim {n}", source="a" if n % 2 else "b", now=NOW)
    for n in range(1, 301):
        ops.link(store, 2 * n, "corroborates", 2 * n + 1, now=NOW)
    doc = parse(_report(ops.report(store), graph=True))
    (fence,) = [t for t in doc.tokens if t.type == "fence"]
    edges = [line for line in fence.content.splitlines() if "-->" in line]
    assert len(edges) == markdown.GRAPH_LINKS < 300
    assert len(fence.content) < 50_000
    notes = [t.content for t in doc.tokens if t.type == "inline" and t.content.startswith("The first")]
    assert notes == [
        f"The first {markdown.GRAPH_LINKS} of 300 links: GitHub draws no diagram larger than "
        "that. Filter the report (by event, say) to draw the rest."
    ]


def test_bare_addresses_in_user_text_link_nowhere():
    """GitHub links a bare https://…, www.… or e-mail address in plain text by itself (its
    autolink extension); markdown-it's linkify, set as strictly, stands in for it here."""
    md = MarkdownIt("gfm-like")
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": True})
    for typed in (
        "Footage at https://t.me/channel/42 shows it",
        "See www.example.org for the map",
        "Write to press@example.org",
        "HTTP://EXAMPLE.COM and Www.Example.Com",
    ):
        cell = markdown.text(typed)
        html = md.render(f"| a |\n| --- |\n| {cell} |\n")
        assert "<a " not in html, (typed, cell)
        tokens = [t for t in md.parse(f"| a |\n| --- |\n| {cell} |\n") if t.type == "inline"]
        assert tokens[-1].children and "".join(c.content for c in tokens[-1].children) == typed
    # the report's own links (a claim's URL, in "Seen at") still are links
    assert markdown.link("source", "https://t.me/channel/42").startswith("[source](https://t.me/")
