"""Realistic synthetic ledgers, as JSON Lines that ``claim-ledger import --create-sources`` reads.

The shape follows a monitoring desk's ledger: a few hundred sources across three
parties and unaligned outlets; about 40% of claims relayed through ``repeats``
chains up to five deep; corroborations and contradictions across parties; a
few ``updates`` of a source's own figures; figures on most claims (70% of those
not relayed, and the relays of those); a tenth of the claims in Ukrainian or
Russian (Cyrillic, as regional administrations and ministries write); about half
as many links as claims. Deterministic for a given size and seed.

    python bench/generate.py 10000 > ledger-10k.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from typing import Any

PARTIES = [("UA", 0.3), ("RU", 0.3), ("BY", 0.1), (None, 0.3)]
KINDS = {
    "UA": ["regional_administration", "military", "government", "defence_ministry"],
    "RU": ["defence_ministry", "government", "military", "news_agency"],
    "BY": ["government", "news_agency"],
    None: ["press", "news_agency", "osint", "ngo", "international_org", "eyewitness"],
}
WORDS = [
    "strike",
    "drone",
    "missile",
    "shelling",
    "village",
    "city",
    "bridge",
    "depot",
    "hospital",
    "school",
    "convoy",
    "positions",
    "artillery",
    "air",
    "defence",
    "intercepted",
    "destroyed",
    "damaged",
    "wounded",
    "killed",
    "residential",
    "region",
    "district",
    "frontline",
    "battalion",
    "regional",
    "administration",
    "governor",
    "ministry",
    "footage",
]
CYRILLIC = [  # Ukrainian and Russian words of the same reports
    "удар",
    "обстріл",
    "ракета",
    "дрон",
    "збито",
    "пошкоджено",
    "загинули",
    "поранені",
    "область",
    "район",
    "місто",
    "село",
    "лікарня",
    "школа",
    "міст",
    "склад",
    "артиллерия",
    "обстрел",
    "уничтожено",
    "погибли",
    "ранены",
    "Харків",
    "Бєлгород",
    "Херсон",
    "Донецк",
]


def sources(n_claims: int, rng: random.Random) -> list[dict[str, Any]]:
    count = min(300, max(40, n_claims // 50))
    parties = rng.choices([p for p, _ in PARTIES], [w for _, w in PARTIES], k=count)
    return [
        {"id": f"src-{i:03d}", "kind": rng.choice(KINDS[party]), "party": party}
        for i, party in enumerate(parties, start=1)
    ]


def claims(n: int, seed: int = 2023) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    srcs = sources(n, rng)
    unaligned = [s for s in srcs if s["party"] is None]
    depth: dict[int, int] = {}
    rows: dict[int, dict[str, Any]] = {}
    linked: set[frozenset[int]] = set()
    by_source: dict[str, list[int]] = {}
    for i in range(1, n + 1):
        window = range(max(1, i - 400), i)
        row: dict[str, Any]
        target = rng.choice(window) if i > 1 else None
        if target is not None and rng.random() < 0.4 and depth[target] < 5:
            # a relay: an outlet repeats an earlier claim, figures and all (now and then garbled)
            origin = rows[target]
            source = rng.choice(unaligned if rng.random() < 0.7 else srcs)
            row = {
                "text": f"Reported: {origin['text'][:90]}",
                "event": origin["event"],
                "date": origin["date"],
                "figures": list(origin["figures"]),
                "repeats": [target],
            }
            if row["figures"] and rng.random() < 0.05:
                row["figures"][0] = row["figures"][0].split("=")[0] + f"={rng.randint(0, 99)}"
            depth[i] = depth[target] + 1
            linked.add(frozenset((i, target)))
        else:
            source = rng.choice(srcs)
            event = f"ev-{i // 25 + rng.randint(0, 3)}"
            row = {
                "text": _text(rng),
                "event": event,
                "date": f"2024-{1 + (i * 11 // n) % 12:02d}-{1 + i % 28:02d}",
                "figures": _figures(rng) if rng.random() < 0.7 else [],
            }
            depth[i] = 0
            if target is not None and rng.random() < 0.17:
                other = rows[target]
                relation = "corroborates" if rng.random() < 0.6 else "contradicts"
                if frozenset((i, target)) not in linked and other["source"] != source["id"]:
                    row[relation] = [target]
                    row["event"] = other["event"]
                    linked.add(frozenset((i, target)))
            earlier = by_source.get(source["id"])
            if earlier and "corroborates" not in row and "contradicts" not in row and rng.random() < 0.02:
                previous = earlier[-1]
                if frozenset((i, previous)) not in linked:
                    row["updates"] = [previous]
                    row["event"] = rows[previous]["event"]
                    linked.add(frozenset((i, previous)))
        row["source"] = source["id"]
        by_source.setdefault(source["id"], []).append(i)
        if rng.random() < 0.3:
            row["url"] = f"https://example.org/{source['id']}/{i}"
        if rng.random() < 0.2:
            row["tags"] = rng.sample(["video", "geolocated", "needs-check", "official"], k=rng.randint(1, 2))
        rows[i] = row
        yield {
            "id": i,
            **row,
            "source_kind": source["kind"],
            "source_party": source["party"],
            "source_name": f"Source {source['id']}",
        }


def _text(rng: random.Random) -> str:
    """A claim's words: a tenth of them in Cyrillic."""
    words = CYRILLIC if rng.random() < 0.1 else WORDS
    return " ".join(rng.choices(words, k=rng.randint(8, 18))).capitalize()


def _figures(rng: random.Random) -> list[str]:
    out = [f"killed={rng.randint(0, 40)}" if rng.random() < 0.8 else f"killed>={rng.randint(0, 40)}"]
    if rng.random() < 0.5:
        out.append(f"injured={rng.randint(0, 120)}")
    return out


def write(n: int, path: str | None = None) -> None:
    out = open(path, "w", encoding="utf-8") if path else sys.stdout  # noqa: SIM115
    try:
        for row in claims(n):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if path:
            out.close()


if __name__ == "__main__":
    write(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)
