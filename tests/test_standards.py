"""``export claimreview`` (schema.org JSON-LD) and ``export misp`` (Admiralty-tagged MISP event).

The ClaimReview output is expanded by a real JSON-LD processor (pyld) against a
bundled copy of the schema.org terms it needs (tests/data/), with no network.
That context has no ``@vocab``: a property or type that is not a schema.org
term we know would be dropped or left unexpanded by the processor, and the
walk below fails on either.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from ledger.export.claimreview import claimreview
from ledger.export.misp import misp_event
from ledger.model import CREDIBILITY_NAMES, Status

SCHEMA = "http://schema.org/"
CONTEXT = json.loads((Path(__file__).parent / "data" / "schema.org-claimreview-context.jsonld").read_text())


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the test fetched {url}: nothing may leave this machine")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}


def expand(doc: Any) -> list[dict[str, Any]]:
    return jsonld.expand(doc, {"documentLoader": _loader})


def _only_schema_terms(node: Any, path: str = "") -> None:
    """Every key a schema.org IRI or a JSON-LD keyword; every type a schema.org class."""
    if isinstance(node, list):
        for n, item in enumerate(node):
            _only_schema_terms(item, f"{path}[{n}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            assert key.startswith("@") or key.startswith(SCHEMA), f"{path}: {key} is not a schema.org term"
            if key == "@type":  # a node's types (a list), or a value's datatype (one IRI)
                types = [value] if isinstance(value, str) else value
                assert all(t.startswith(SCHEMA) for t in types), f"{path}: type {value}"
            else:
                _only_schema_terms(value, f"{path}/{key}")


def _leaves(node: Any) -> int:
    if isinstance(node, list):
        return sum(_leaves(n) for n in node)
    if isinstance(node, dict):
        return sum(_leaves(v) for k, v in node.items() if k not in ("@context", "@type"))
    return 1


def _value(node: dict[str, Any], prop: str) -> Any:
    [entry] = node[SCHEMA + prop]
    return entry.get("@value", entry.get("@id", entry))


@pytest.fixture
def report(sample_report):
    return sample_report


def test_claimreview_expands_to_schema_org_terms_only_and_loses_nothing(report):
    claims = report.select()
    doc = json.loads(claimreview(report, claims, published="2026-11-25", author="Kharkiv Desk"))
    expanded = expand(doc)
    _only_schema_terms(expanded)
    assert _leaves(expanded) == _leaves(doc["@graph"])  # nothing dropped by the processor
    reviewed = [c for c in claims if report.assessments[c.id].credibility is not None]
    assert len(expanded) == len(reviewed) > 0


def test_each_review_carries_the_claim_its_speaker_and_the_credibility(report):
    claims = report.select()
    doc = json.loads(claimreview(report, claims, published="2026-11-25", author="Kharkiv Desk"))
    by_text = {_value(node, "claimReviewed"): node for node in expand(doc)}
    for claim in claims:
        a = report.assessments[claim.id]
        if a.status is Status.retracted:
            assert claim.text not in by_text
            continue
        node = by_text[claim.text]
        assert node["@type"] == [SCHEMA + "ClaimReview"]
        assert _value(node, "datePublished") == "2026-11-25"
        assert _value(node["http://schema.org/author"][0], "name") == "Kharkiv Desk"
        [item] = node[SCHEMA + "itemReviewed"]
        assert item["@type"] == [SCHEMA + "Claim"]
        [speaker] = item[SCHEMA + "author"]
        assert _value(speaker, "name") == report.sources[claim.source].name
        assert _value(speaker, "identifier") == claim.source
        if claim.date:
            assert _value(item, "datePublished") == claim.date
        if claim.url:
            assert claim.url in [_value(w, "url") for w in item[SCHEMA + "appearance"]]
        [rating] = node[SCHEMA + "reviewRating"]
        assert _value(rating, "ratingValue") == a.credibility
        assert (_value(rating, "bestRating"), _value(rating, "worstRating")) == (1, 6)
        assert _value(rating, "alternateName") == CREDIBILITY_NAMES[a.credibility]
        assert _value(rating, "ratingExplanation") == f"{a.status.value}: {a.reason}"


def test_the_reviewer_is_optional(report):
    doc = json.loads(claimreview(report, report.select(), published="2026-11-25"))
    assert all("author" not in review for review in doc["@graph"])
    _only_schema_terms(expand(doc))


ADMIRALTY = re.compile(r'admiralty-scale:(source-reliability="[a-f]"|information-credibility="[1-6]")')


def test_misp_tags_each_claim_with_its_admiralty_grades(report):
    claims = report.select()
    event = json.loads(misp_event(report, claims, info="claim-ledger: sample", date="2026-11-25"))["Event"]
    assert (event["info"], event["date"], event["distribution"]) == (
        "claim-ledger: sample",
        "2026-11-25",
        "0",
    )
    texts = [a for a in event["Attribute"] if a["type"] == "text"]
    assert [a["value"] for a in texts] == [c.text for c in claims]
    for attribute, claim in zip(texts, claims, strict=True):
        names = [t["name"] for t in attribute["Tag"]]
        assert all(ADMIRALTY.fullmatch(n) for n in names)
        source = report.sources[claim.source]
        assert f'admiralty-scale:source-reliability="{source.reliability.lower()}"' in names
        credibility = report.assessments[claim.id].credibility
        wanted = [] if credibility is None else [f'admiralty-scale:information-credibility="{credibility}"']
        assert [n for n in names if "information-credibility" in n] == wanted
        assert attribute["comment"].startswith(f"claim #{claim.id} by {claim.source} ")
    links = [a for a in event["Attribute"] if a["type"] == "link"]
    assert sorted(a["value"] for a in links) == sorted(u for c in claims for u in (c.url, c.archive_url) if u)


def test_misp_writes_the_reliability_an_analyst_set(cli):
    cli("init", "--sample")
    cli("source", "edit", "press", "--reliability", "B")
    event = json.loads(cli("export", "misp").stdout)["Event"]
    press = [a for a in event["Attribute"] if a["type"] == "text" and " by press " in a["comment"]]
    assert press and all(
        'admiralty-scale:source-reliability="b"' in [t["name"] for t in a["Tag"]] for a in press
    )


def test_the_cli_writes_both_and_hides_confidential_sources(cli, tmp_path):
    cli("init", "--sample")
    cli("source", "edit", "kharkiv-rma", "--confidential")
    out = tmp_path / "reviews.jsonld"
    r = cli("export", "claimreview", "--author", "Desk", "-o", str(out))
    assert "Wrote claimreview" in r.stderr
    text = out.read_text(encoding="utf-8")
    assert "Kharkiv Regional Military Administration" not in text and "source-1" in text
    _only_schema_terms(expand(json.loads(text)))
    misp = cli("export", "misp").stdout
    assert "Kharkiv Regional Military Administration" not in misp and "source-1" in misp
    named = cli("export", "misp", "--include-confidential").stdout
    assert "by kharkiv-rma (" in named and "source-1" not in named


def test_author_only_with_claimreview(cli, db):
    cli("init", "--sample")
    r = cli("export", "misp", "--author", "Desk", ok=False)
    assert r.exit_code == 2 and "--author only applies to claimreview" in r.stderr


def test_a_retraction_drops_the_review(cli):
    cli("init", "--sample")
    before = json.loads(cli("export", "claimreview").stdout)["@graph"]
    cli("retract", "4", "--note", "withdrawn")
    after = json.loads(cli("export", "claimreview").stdout)["@graph"]
    assert len(after) == len(before) - 1
    gone = {r["claimReviewed"] for r in before} - {r["claimReviewed"] for r in after}
    assert len(gone) == 1


def test_an_empty_ledger_exports_empty_documents(cli):
    cli("init")
    assert json.loads(cli("export", "claimreview").stdout)["@graph"] == []
    assert json.loads(cli("export", "misp").stdout)["Event"]["Attribute"] == []
