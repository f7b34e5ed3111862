"""Random ledgers without figures, the same on every run (a seeded generator): the golden file
tests/data/verdicts_without_figures.json holds the verdicts the ledger gave them before figures
became evidence, and tests/test_numbers.py checks they are still exactly those.

No ``updates`` links: an update now carries its old statement's corroboration forward (DESIGN §2),
a change of its own, tested on its own."""

from __future__ import annotations

import random

from ledger.model import Claim, Kind, Link, Relation, Source

SOURCES = {
    "ua-a": Source("ua-a", "UA A", Kind.military, "UA"),
    "ua-b": Source("ua-b", "UA B", Kind.government, "ua"),
    "ru-a": Source("ru-a", "RU A", Kind.defence_ministry, "RU"),
    "ru-b": Source("ru-b", "RU B", Kind.government, "RU"),
    "wire": Source("wire", "Wire", Kind.news_agency),
    "osint": Source("osint", "OSINT", Kind.osint),
}


_RELATIONS = [Relation.corroborates, Relation.contradicts, Relation.repeats]


def ledgers(count: int = 150, seed: int = 20261127):
    rng = random.Random(seed)
    for _ in range(count):
        n = rng.randint(1, 25)
        claims = {}
        for i in range(1, n + 1):
            retracted = "2024-01-02" if rng.random() < 0.15 else None
            claims[i] = Claim(i, f"claim {i}", rng.choice(list(SOURCES)), retracted_at=retracted)
        links = [
            Link(k, rng.randint(1, n + 1), rng.choice(_RELATIONS), rng.randint(1, n))
            for k in range(1, rng.randint(0, 2 * n) + 1)
        ]
        yield claims, links


def verdicts(analyze) -> list[dict[str, list]]:
    """Each ledger's verdicts: claim id -> [status, reason, credibility]."""
    out = []
    for claims, links in ledgers():
        found = analyze(SOURCES, claims, links)
        out.append({str(i): [a.status.value, a.reason, a.credibility] for i, a in sorted(found.items())})
    return out
