"""Readers for ``import``: claim-ledger JSON documents, CSV and JSON Lines.

Each reader turns a file into a :class:`Batch` of plain rows, every one
labelled with where it came from (``row 7``, ``line 3``, ``claims[2]``), and
collects every problem it can see on the way instead of stopping at the first.
Nothing here touches a ledger: :func:`ledger.ops.import_batch` validates the
rows against one and stores them all, or nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import columns
from .errors import Corrupt, InvalidInput, NotFound, Problem
from .jsonio import DOCUMENT_FORMAT, loads
from .model import SCHEMA_VERSION
from .storage import read_bytes

FORMATS = ("json", "csv", "jsonl")
_SUFFIXES = {".json": "json", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

_SOURCE_KEYS = frozenset(
    ("id", "name", "kind", "party", "reliability", "url", "notes", "created_at", "pseudonym")
)
_CLAIM_KEYS = frozenset(("id", *columns.CLAIM, "recorded_at"))
_LINK_KEYS = frozenset(("id", "from", "relation", "to", "note", "created_at"))
_HISTORY_KEYS = frozenset(("id", "at", "action", "claim", "source", "detail", "prev", "hash"))
_PARTY_KEYS = frozenset(("id", "aliases", "created_at"))
_METRIC_KEYS = frozenset(("name", "level"))


@dataclass(frozen=True, slots=True)
class SourceRow:
    where: str  # how a person finds it: "row 7", "line 3", "sources[2]"
    row: int  # the number in it, for problems to sort on
    fields: Mapping[str, Any]  # id, name, kind, party, reliability, url, notes, created_at


@dataclass(frozen=True, slots=True)
class ClaimRow:
    where: str
    row: int
    ref: str  # what links in the same file call this claim
    fields: Mapping[str, Any]  # the claim's fields as columns.CLAIM names them (+ recorded_at)
    source: Mapping[str, Any] | None = None  # source_* columns: how to create its source


@dataclass(frozen=True, slots=True)
class LinkRow:
    where: str
    row: int
    src: str  # a ClaimRow.ref, or "#N" for claim N already in the ledger
    relation: str
    dst: str
    note: str | None = None
    created_at: str | None = None
    id: int | None = None
    # instead of ``dst``: the claim of (source, event, date) in the ledger or the batch, if any
    to_claim_of: tuple[str, str, str] | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    """What one file holds, not yet checked against a ledger."""

    name: str
    document: bool  # a claim-ledger JSON document: sources defined, ids and history kept
    sources: tuple[SourceRow, ...] = ()
    claims: tuple[ClaimRow, ...] = ()
    links: tuple[LinkRow, ...] = ()
    history: tuple[Mapping[str, Any], ...] | None = None
    last_ids: Mapping[str, int] = field(default_factory=dict)
    parties: tuple[Mapping[str, Any], ...] | None = None  # a document's registry (schema 3)
    schema: int = SCHEMA_VERSION  # what a document says it is: before 2, its history has no chain
    mapped: bool = False  # a series read through a mapping, which describes its source
    metrics: tuple[Mapping[str, Any], ...] = ()
    problems: tuple[Problem, ...] = ()


# --------------------------------------------------------------------------- files


def format_of(path: Path, given: str | None) -> str:
    if given:
        fmt = given.strip().casefold()
        if fmt not in FORMATS:
            raise InvalidInput(f"unknown format {given!r}: use one of {', '.join(FORMATS)}")
        return fmt
    fmt = _SUFFIXES.get(path.suffix.casefold())
    if fmt is None:
        raise InvalidInput(
            f"cannot tell the format of {path.name!r} from its name: pass --format json, csv or jsonl"
        )
    return fmt


def read_text(path: Path) -> str:
    """A file's text (UTF-8, with or without the BOM spreadsheets write)."""
    data = read_bytes(
        path,
        missing=NotFound(f"no such file: {path}"),
        folder=InvalidInput(f"{path} is a folder: give a file"),
    )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path.name} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and try again"
        ) from None


def parse(text: str, fmt: str, name: str) -> Batch:
    if fmt == "json":
        try:
            doc = loads(text)
        except ValueError as exc:
            raise InvalidInput(f"{name} is not valid JSON: {exc}") from None
        return from_document(doc, name)
    if fmt == "csv":
        return from_csv(text, name)
    return from_jsonl(text, name)


def read_document(path: Path) -> dict[str, Any]:
    """A claim-ledger JSON document (such as the bundled sample), checked for its format."""
    try:
        doc = loads(read_text(path))
    except (ValueError, NotFound, InvalidInput) as exc:
        raise Corrupt(f"cannot read {path}: {exc}") from None
    _document_header(doc, path.name)
    return doc


def _document_header(doc: Any, name: str) -> None:
    if not isinstance(doc, dict) or doc.get("format") != DOCUMENT_FORMAT:
        raise InvalidInput(
            f'{name} is not a claim-ledger document (no "format": "claim-ledger"); '
            "JSON Lines files end in .jsonl, or pass --format jsonl"
        )
    schema = doc.get("schema", SCHEMA_VERSION)
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise InvalidInput(
            f"{name} was written by a newer claim-ledger (schema {schema}; this one reads up to "
            f"{SCHEMA_VERSION}): upgrade claim-ledger"
        )


# --------------------------------------------------------------------------- documents


def from_document(doc: Any, name: str) -> Batch:
    """Our own JSON export (and the bundled sample): whole records with their ids."""
    _document_header(doc, name)
    problems: list[Problem] = []
    sources = tuple(SourceRow(w, i, r) for w, i, r in _records(doc, "sources", _SOURCE_KEYS, problems))
    claims = []
    for where, i, record in _records(doc, "claims", _CLAIM_KEYS, problems):
        claim_id = _positive_id(record.get("id"), Problem(where, i, "claim"), problems)
        if claim_id is not None:
            fields = {k: v for k, v in record.items() if k != "id"}
            claims.append(ClaimRow(f"{where} (#{claim_id})", i, str(claim_id), fields))
    links = []
    for where, i, record in _records(doc, "links", _LINK_KEYS, problems):
        ends = [_positive_id(record.get(e), Problem(where, i, repr(e)), problems) for e in ("from", "to")]
        link_id = _positive_id(record.get("id"), Problem(where, i, "link"), problems, required=False)
        if None not in ends:
            relation = str(record.get("relation", ""))
            note, created_at = record.get("note"), record.get("created_at")
            links.append(LinkRow(where, i, str(ends[0]), relation, str(ends[1]), note, created_at, link_id))
    history = None
    if "history" in doc:
        history = tuple(r for _, _, r in _records(doc, "history", _HISTORY_KEYS, problems))
    last_ids = doc.get("last_ids") or {}
    if not isinstance(last_ids, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in last_ids.values()
    ):
        problems.append(Problem("last_ids", 0, 'expected counts such as {"claims": 20, "links": 5}'))
        last_ids = {}
    parties = None
    if "parties" in doc:
        parties = tuple(r for _, _, r in _records(doc, "parties", _PARTY_KEYS, problems))
    metrics = tuple(r for _, _, r in _records(doc, "metrics", _METRIC_KEYS, problems))
    return Batch(
        name,
        True,
        sources,
        tuple(claims),
        tuple(links),
        history,
        last_ids,
        parties=parties,
        metrics=metrics,
        problems=tuple(problems),
        schema=doc.get("schema", SCHEMA_VERSION),
    )


def _records(
    doc: Mapping[str, Any], table: str, keys: frozenset[str], problems: list[Problem]
) -> list[tuple[str, int, Mapping[str, Any]]]:
    """A document's records of ``table``, each with where it stands; malformed ones are problems."""
    value = doc.get(table) or []
    if not isinstance(value, list):
        problems.append(Problem(table, 0, "expected a list"))
        return []
    out = []
    for i, record in enumerate(value, start=1):
        where = f"{table}[{i}]"
        if not isinstance(record, dict):
            problems.append(Problem(where, i, "expected an object"))
            continue
        unknown = sorted(set(record) - keys)
        if unknown:
            problems.append(Problem(where, i, f"unknown field {', '.join(map(repr, unknown))}"))
            continue
        out.append((where, i, record))
    return out


def _positive_id(value: Any, what: Problem, problems: list[Problem], *, required: bool = True) -> int | None:
    """``value`` as an id; otherwise a problem at ``what`` (whose message names the id's role)."""
    if value is None and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    message = f"{what.message} id must be a whole number from 1 up, not {value!r}"
    problems.append(Problem(what.where, what.row, message))
    return None


# --------------------------------------------------------------------------- rows


def from_csv(text: str, name: str) -> Batch:
    """One claim per row; the header names the columns (see :mod:`ledger.columns`).

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    # A cell as long as the text itself is allowed: what export wrote, import reads back.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InvalidInput(f"{name} is not valid CSV: {exc}") from None
    if not rows:
        raise InvalidInput(f"{name} is empty: the first row must name the columns (text, source, ...)")
    header = [h.strip().casefold() for h in rows[0]]
    problems = _header_problems(header, "row 1", 1)
    if problems:
        return Batch(name, False, problems=tuple(problems))
    records = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # blank rows at the end of a sheet
        where = f"row {number}"
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            message = f"{len(cells)} cells but the header names {len(header)} columns"
            problems.append(Problem(where, number, message))
            continue
        values = {h: columns.restore(c) for h, c in zip(header, cells, strict=False)}
        records.append((where, number, values))
    return _from_rows(name, records, problems)


def from_jsonl(text: str, name: str) -> Batch:
    """One JSON object per line, with the CSV's column names as keys; blank lines are skipped."""
    problems: list[Problem] = []
    records = []
    checked: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}  # keys: as read, and problems
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = loads(line)
        except ValueError as exc:
            problems.append(Problem(where, number, f"not valid JSON ({exc})"))
            continue
        if not isinstance(record, dict):
            problems.append(Problem(where, number, 'expected an object such as {"text": ..., "source": ...}'))
            continue
        given = tuple(record)
        found = checked.get(given)  # most lines have the same keys: read and checked once
        if found is None:
            keys = [str(k).casefold() for k in given]
            found = checked[given] = (keys, _header_messages(keys))
        keys, said = found
        if said:
            problems.extend(Problem(where, number, message) for message in said)
            continue
        records.append((where, number, dict(zip(keys, record.values(), strict=True))))
    return _from_rows(name, records, problems)


def _header_problems(names: list[str], where: str, row: int) -> list[Problem]:
    return [Problem(where, row, message) for message in _header_messages(names)]


def _header_messages(names: list[str]) -> list[str]:
    messages = []
    unknown = [n for n in names if n not in columns.INPUT and not columns.is_computed(n)]
    if unknown:
        messages.append(
            f"unknown column {', '.join(map(repr, unknown))} (columns: {', '.join(sorted(columns.INPUT))})"
        )
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        messages.append(f"column {', '.join(map(repr, twice))} given twice")
    missing = [n for n in columns.REQUIRED if n not in names]
    if missing:
        messages.append(f"missing column {', '.join(map(repr, missing))}")
    return messages


def _from_rows(name: str, records: list[tuple[str, int, dict[str, Any]]], problems: list[Problem]) -> Batch:
    """Rows as CSV or JSON Lines give them: references resolve to `id` if given, else row number.

    A column a row does not give is read as an empty cell, without reading it (a JSON Lines
    row of 100k gives a third of the columns)."""
    claims = []
    links = []
    blank = dict.fromkeys(columns.CLAIM)  # every field, in order, as an empty cell reads
    for where, number, values in records:
        ref = _cell(values.get("id")) or str(number)
        fields: dict[str, Any] = {**blank, "figures": [], "tags": []}
        for key in _CELLS_CLAIM.intersection(values):
            value = values[key]
            if key == "figures":
                fields[key] = _items(value, split_commas=False)
            elif key == "tags":
                fields[key] = _items(value, split_commas=True)
            else:
                fields[key] = _cell(value)
        source = None
        if not _CELLS_SOURCE.isdisjoint(values):
            source = {k.removeprefix("source_"): _cell(values.get(k)) for k in columns.SOURCE}
            if all(v is None for v in source.values()):
                source = None
        claims.append(ClaimRow(where, number, ref, fields, source))
        for relation in columns.RELATIONS:  # in this order: it numbers the links
            if relation in values:
                for target in _items(values[relation], split_commas=True):
                    links.append(LinkRow(where, number, ref, relation, str(target)))
    return Batch(name, False, claims=tuple(claims), links=tuple(links), problems=tuple(problems))


_CELLS_CLAIM, _CELLS_SOURCE = frozenset(columns.CLAIM), frozenset(columns.SOURCE)  # a row's columns


def _cell(value: Any) -> str | None:
    """A cell as text; blank is None. Numbers (JSON Lines) are taken as written."""
    if value is None:
        return None
    text = value if isinstance(value, str) else _written(value)
    return text if text.strip() else None


def _written(value: Any) -> str:
    """A JSON value as its file wrote it: an id or a number is most, and ``str`` writes an
    int as JSON does (a bool is an int too, but JSON writes it ``true``)."""
    return str(value) if value.__class__ is int else json.dumps(value)


def _items(value: Any, *, split_commas: bool) -> list[Any]:
    """A list cell: a JSON list, or text split on ';' (and ',' where no number needs it)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v if isinstance(v, (dict, str)) else _written(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [_written(value)]
    pattern = r"[;,]" if split_commas else columns.LIST_SEPARATOR
    return [part.strip() for part in re.split(pattern, str(value)) if part.strip()]
