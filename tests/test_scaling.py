"""Linear work: the analysis touches each claim and link a bounded number of times.

Not timed (CI machines vary): the ledger's mappings count every look-up, so a
quadratic step (a scan of all links per claim, say) shows up as a per-item count
that grows with the ledger instead of staying flat.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

from ledger import analysis
from ledger.model import Claim, Kind, Link, Relation, Source, parse_figure
from ledger.report import Filters, lacking_confirmation, select


def _generator():
    path = Path(__file__).parents[1] / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CountingDict(dict):
    touches = 0

    def __getitem__(self, key):
        CountingDict.touches += 1
        return super().__getitem__(key)

    def get(self, key, default=None):
        CountingDict.touches += 1
        return super().get(key, default)

    def __contains__(self, key):
        CountingDict.touches += 1
        return super().__contains__(key)

    def items(self):
        for item in super().items():
            CountingDict.touches += 1
            yield item

    def values(self):
        for value in super().values():
            CountingDict.touches += 1
            yield value

    def __iter__(self) -> Iterator:
        for key in super().__iter__():
            CountingDict.touches += 1
            yield key


class CountingList(list):
    def __iter__(self):
        for item in super().__iter__():
            CountingDict.touches += 1
            yield item


def synthetic(n: int):
    rows = list(_generator().claims(n))
    sources = CountingDict(
        (r["source"], Source(r["source"], r["source_name"], Kind(r["source_kind"]), r["source_party"]))
        for r in rows
    )
    claims = CountingDict(
        (
            r["id"],
            Claim(
                r["id"], r["text"], r["source"], r["date"], r["event"], tuple(map(parse_figure, r["figures"]))
            ),
        )
        for r in rows
    )
    links = CountingList(
        Link(0, r["id"], Relation(rel), target)
        for r in rows
        for rel in ("repeats", "corroborates", "contradicts", "updates")
        for target in r.get(rel, ())
    )
    return sources, claims, links


def touches_per_item(n: int) -> float:
    sources, claims, links = synthetic(n)
    CountingDict.touches = 0
    assessments = analysis.analyze(sources, claims, links)
    chosen = select(claims.values(), assessments, sources, Filters())
    lacking_confirmation(chosen, assessments)
    list(analysis.figures(chosen, assessments))
    analysis.findings(sources, claims, links)
    return CountingDict.touches / (len(claims) + len(links))


def test_the_analysis_does_a_bounded_amount_of_work_per_claim_and_link():
    small, large = touches_per_item(2_000), touches_per_item(20_000)
    assert large <= small * 1.25, (small, large)  # flat per item: linear in the ledger
    assert large < 20, large  # and a small constant


def dense_touches_per_item(n: int) -> float:
    """Figures on every claim, ten claims to each event's metric: the figure rule compares the
    claims of one event and metric with each other, and no more."""
    sources, claims, links = synthetic(n)
    for cid, claim in dict.items(claims):
        claim.event = f"e{cid // 10}"
        claim.date = f"2024-01-{1 + cid % 28:02d}"
        claim.figures = (parse_figure(f"killed={cid % 13}"), parse_figure(f"injured>={cid % 5}"))
    CountingDict.touches = 0
    analysis.analyze(sources, claims, links)
    analysis.findings(sources, claims, links)
    return CountingDict.touches / (len(claims) + len(links))


def test_figures_on_every_claim_keep_the_work_linear():
    small, large = dense_touches_per_item(2_000), dense_touches_per_item(20_000)
    assert large <= small * 1.25, (small, large)
    assert large < 60, large
