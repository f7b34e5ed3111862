"""A peer to measure ``unconfirmed --json`` against: the same ledger in SQLite, and the claims
lacking independent confirmation found by one recursive query, printed as JSON.

The peer knows the link rule only (DESIGN §2 without figures, grades or reasons): a claim's
story runs up its ``repeats`` chain to the origins; a story is confirmed by a ``corroborates``
link from a claim whose own origin is of another party (or of no party, and another source);
``updates`` supersede. It is the least a tool must work out to give this answer, done by a
database engine, so it is a floor for the work, not a copy of ours (which also weighs figures
and writes a reason per claim).

    python bench/peer.py build ledger.jsonl peer.sqlite   # once, not timed
    python bench/peer.py query peer.sqlite > lacking.json # what bench/run.py times
"""

from __future__ import annotations

import json
import sqlite3
import sys

SCHEMA = """
CREATE TABLE sources (id TEXT PRIMARY KEY, party TEXT);
CREATE TABLE claims (id INTEGER PRIMARY KEY, text TEXT, source TEXT, event TEXT, date TEXT);
CREATE TABLE links (src INTEGER, relation TEXT, dst INTEGER);
CREATE INDEX links_src ON links (src, relation);
CREATE INDEX links_dst ON links (dst, relation);
"""

# origin(claim, root): each claim's repeats chain followed to claims that repeat nothing
LACKING = """
WITH RECURSIVE up(claim, node) AS (
    SELECT id, id FROM claims
    UNION
    SELECT up.claim, l.dst FROM up JOIN links l ON l.src = up.node AND l.relation = 'repeats'
),
origin(claim, root) AS (
    SELECT up.claim, up.node FROM up
    WHERE NOT EXISTS (SELECT 1 FROM links r WHERE r.src = up.node AND r.relation = 'repeats')
),
voice(claim, source, party) AS (
    SELECT o.claim, c.source, s.party FROM origin o
    JOIN claims c ON c.id = o.root JOIN sources s ON s.id = c.source
),
confirmed(claim) AS (
    SELECT DISTINCT target.claim FROM links l
    JOIN voice target ON target.claim = l.dst
    JOIN voice backer ON backer.claim = l.src
    WHERE l.relation = 'corroborates'
      AND backer.source <> target.source
      AND (backer.party IS NULL OR target.party IS NULL OR backer.party <> target.party)
),
superseded(claim) AS (SELECT DISTINCT dst FROM links WHERE relation = 'updates')
SELECT json_group_array(json_object('id', c.id, 'text', c.text, 'source', c.source, 'event', c.event))
FROM claims c
WHERE c.id NOT IN (SELECT claim FROM confirmed) AND c.id NOT IN (SELECT claim FROM superseded)
ORDER BY c.id
"""


def build(jsonl: str, db: str) -> None:
    """The generator's JSON Lines (bench/generate.py) as three tables."""
    con = sqlite3.connect(db)
    con.executescript(SCHEMA)
    with open(jsonl, encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            con.execute("INSERT OR IGNORE INTO sources VALUES (?, ?)", (row["source"], row["source_party"]))
            values = (row["id"], row["text"], row["source"], row.get("event"), row.get("date"))
            con.execute("INSERT INTO claims VALUES (?, ?, ?, ?, ?)", values)
            for relation in ("repeats", "corroborates", "contradicts", "updates"):
                for target in row.get(relation, ()):
                    con.execute("INSERT INTO links VALUES (?, ?, ?)", (row["id"], relation, target))
    con.commit()
    con.close()


def query(db: str) -> None:
    con = sqlite3.connect(db)
    sys.stdout.write(con.execute(LACKING).fetchone()[0] + "\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["build"]:
        build(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["query"]:
        query(sys.argv[2])
    else:
        sys.exit(__doc__)
