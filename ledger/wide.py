"""Series in: a daily table (one row a date, one column a metric) read through a TOML mapping.

A mapping names the tables, the source that speaks in them, the event, the claim
text and which column is which metric; ``import MAPPING.toml`` turns each date
into one claim stating every metric that row gives. Two layouts:

* **wide** (the default): a date column and one column per metric, such as the
  General Staff's daily table. Several tables (equipment and personnel) are
  joined on the date. A *qualifier column* says how a number was hedged
  ("about", "more"): ``personnel = { metric = "personnel", qualifier = "personnel*" }``.
* **long**: one row per (version, category), such as Oryx's per-category totals at
  every commit: ``category`` and ``value`` name the columns, ``where`` filters rows
  (``country = "Russia"``), the latest version of each day counts, and categories
  mapped to one metric are summed.

``bound = "floor"`` reads each number as "at least N" (a visually confirmed count
is a floor under the truth); ``repeats = "SOURCE"`` links each row to that
source's claim of the same date and event, as a relay of it. Tables may be JSON
lists or CSV, gzip'ed or not; their paths are relative to the mapping.

Nothing here touches a ledger: the result is an :class:`importer.Batch`, checked
and stored by :func:`ledger.ops.import_batch` like any other file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import InvalidInput, NotFound, Problem
from .importer import Batch, ClaimRow, LinkRow
from .model import Figure, number, parse_event, parse_metric, parse_source_id
from .storage import read_bytes

# How sources write a hedge, and what it is as a figure (model.QUALIFIERS).
HEDGES = {
    "about": "about",
    "approximately": "about",
    "approx.": "about",
    "~": "about",
    "близько": "about",
    "more": "more",
    "more than": "more",
    "over": "more",
    ">": "more",
    "понад": "more",
}
_KEYS = frozenset(
    (
        "tables",
        "source",
        "event",
        "text",
        "date",
        "bound",
        "metrics",
        "layout",
        "category",
        "value",
        "where",
        "url",
        "repeats",
    )
)


@dataclass(frozen=True, slots=True)
class Column:
    """What one column (or, in a long table, one category) is: a metric and its hedge column."""

    metric: str
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class TableMapping:
    path: Path
    tables: tuple[Path, ...]
    source: Mapping[str, Any]
    event: str
    text: str
    date: str
    bound: str  # "exact" or "floor"
    metrics: Mapping[str, Column]  # column (wide) or category (long) -> metric
    layout: str = "wide"
    category: str | None = None
    value: str | None = None
    where: Mapping[str, str] | None = None
    url: str | None = None
    repeats: str | None = None


def read_mapping(path: Path) -> TableMapping:
    """A mapping file, checked: every problem named with the key to fix."""
    data = read_bytes(
        path, missing=NotFound(f"no such file: {path}"), folder=InvalidInput(f"{path} is a folder")
    )
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path.name} is not a valid TOML mapping: {exc}") from None
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise InvalidInput(f"{path.name}: unknown key {unknown[0]!r} (keys: {', '.join(sorted(_KEYS))})")
    for key in ("tables", "source", "event", "text", "date", "metrics"):
        if key not in doc:
            raise InvalidInput(f"{path.name}: the mapping needs {key!r}")
    source = doc["source"]
    if not isinstance(source, dict) or not isinstance(source.get("id"), str) or not source.get("kind"):
        raise InvalidInput(f"{path.name}: [source] needs an id and a kind (and a party if it speaks for one)")
    parse_source_id(source["id"])
    layout, bound = doc.get("layout", "wide"), doc.get("bound", "exact")
    if layout not in ("wide", "long"):
        raise InvalidInput(f"{path.name}: layout is 'wide' or 'long', not {layout!r}")
    if bound not in ("exact", "floor"):
        raise InvalidInput(
            f"{path.name}: bound is 'exact' or 'floor' (each number is at least N), not {bound!r}"
        )
    if layout == "long" and not (isinstance(doc.get("category"), str) and isinstance(doc.get("value"), str)):
        raise InvalidInput(f"{path.name}: a long table names its 'category' and 'value' columns")
    tables = doc["tables"] if isinstance(doc["tables"], list) else [doc["tables"]]
    return TableMapping(
        path,
        tuple(path.parent / str(t) for t in tables),
        source,
        parse_event(str(doc["event"])) or "",
        str(doc["text"]),
        str(doc["date"]),
        bound,
        _columns(doc["metrics"], path.name),
        layout,
        doc.get("category"),
        doc.get("value"),
        {str(k): str(v) for k, v in (doc.get("where") or {}).items()},
        doc.get("url"),
        parse_source_id(doc["repeats"]) if doc.get("repeats") else None,
    )


def _columns(metrics: Any, name: str) -> dict[str, Column]:
    if not isinstance(metrics, dict) or not metrics:
        raise InvalidInput(f'{name}: [metrics] maps each column to a metric, e.g. tank = "tank"')
    found = {}
    for column, spec in metrics.items():
        if isinstance(spec, str):
            found[column] = Column(parse_metric(spec))
        elif isinstance(spec, dict) and isinstance(spec.get("metric"), str):
            found[column] = Column(parse_metric(spec["metric"]), spec.get("qualifier"))
        else:
            raise InvalidInput(
                f"{name}: metric of column {column!r} is a name or {{ metric = ..., qualifier = ... }}"
            )
    return found


def read_table(path: Path) -> list[dict[str, Any]]:
    """A JSON list of records or a CSV with a header; ``.gz`` is unpacked first."""
    data = read_bytes(
        path, missing=NotFound(f"no such table: {path}"), folder=InvalidInput(f"{path} is a folder")
    )
    name = path.name.removesuffix(".gz")
    try:
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8-sig")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path.name} cannot be read as UTF-8 text: {exc}") from None
    if name.endswith(".json"):
        try:
            records = json.loads(text)
        except ValueError as exc:
            raise InvalidInput(f"{path.name} is not valid JSON: {exc}") from None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise InvalidInput(f"{path.name}: a table is a JSON list of records, one a date")
        return records
    if name.endswith(".csv"):
        return list(csv.DictReader(io.StringIO(text, newline="")))
    raise InvalidInput(f"{path.name}: a table is .json or .csv (optionally .gz)")


@dataclass(frozen=True, slots=True)
class Day:
    """One date's row: where it came from and its cells (a long table's, summed per metric)."""

    where: str
    row: int
    date: str
    cells: Mapping[str, Any]


def batch(mapping: TableMapping) -> Batch:
    """The claims (and relay links) a mapping's tables give, one claim per date."""
    problems: list[Problem] = []
    tables = [(p.name, read_table(p)) for p in mapping.tables]
    days = (
        _long_days(mapping, tables, problems)
        if mapping.layout == "long"
        else _wide_days(mapping, tables, problems)
    )
    claims, links = [], []
    source = {k: mapping.source.get(k) for k in ("name", "kind", "party", "reliability")}
    for day in days:
        figures = _figures(mapping, day, problems)
        if not figures:
            continue
        ref = day.date
        url = day.cells.get(mapping.url) if mapping.url else None
        fields = {
            "text": _text(mapping.text, day),
            "source": mapping.source["id"],
            "date": day.date,
            "event": mapping.event,
            "figures": [f.to_dict() for f in figures],
            "url": str(url) if url else None,
        }
        claims.append(ClaimRow(day.where, day.row, ref, fields, source))
        if mapping.repeats:
            links.append(
                LinkRow(
                    day.where,
                    day.row,
                    ref,
                    "repeats",
                    "",
                    to_claim_of=(mapping.repeats, mapping.event, day.date),
                )
            )
    party = mapping.source.get("party")
    return Batch(
        mapping.path.name,
        False,
        claims=tuple(claims),
        links=tuple(links),
        problems=tuple(problems),
        parties=({"id": party},) if party else None,
        mapped=True,
    )


def _moment(value: Any, where: str, row: int, problems: list[Problem]) -> tuple[str, datetime] | None:
    """The day a date cell gives (a timestamp's own day) and the moment, parsed once; or None
    with the problem noted."""
    text = str(value or "").strip()
    try:
        return text[:10], datetime.fromisoformat(text)
    except ValueError:
        problems.append(Problem(where, row, f"bad date {text!r}: use YYYY-MM-DD"))
        return None


def _wide_days(
    mapping: TableMapping, tables: list[tuple[str, list[dict[str, Any]]]], problems: list[Problem]
) -> list[Day]:
    """Each date's cells, the tables joined on the date column."""
    joined: dict[str, Day] = {}
    for name, records in tables:
        for i, record in enumerate(records, start=1):
            where = f"{name} record {i}"
            moment = _moment(record.get(mapping.date), where, i, problems)
            if moment is None:
                continue
            day = moment[0]
            held = joined.get(day)
            cells = {**held.cells, **record} if held else dict(record)
            joined[day] = Day(held.where if held else where, held.row if held else i, day, cells)
    return sorted(joined.values(), key=lambda d: d.date)


def _long_days(
    mapping: TableMapping, tables: list[tuple[str, list[dict[str, Any]]]], problems: list[Problem]
) -> list[Day]:
    """Each date's sums per metric over the categories of the day's latest version (the rows
    of the latest timestamp that day): what had been published by the end of that day."""
    versions: dict[str, dict[float, list[tuple[str, int, dict[str, Any]]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    wanted = mapping.where or {}
    for name, records in tables:
        for i, record in enumerate(records, start=1):
            if record.get(mapping.category or "") not in mapping.metrics:
                continue
            if any(str(record.get(k)) != v for k, v in wanted.items()):
                continue
            where = f"{name} record {i}"
            moment = _moment(record.get(mapping.date), where, i, problems)
            if moment is not None:
                day, at = moment
                stamp = (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()
                versions[day][stamp].append((where, i, record))
    days = []
    for day in sorted(versions):
        latest = versions[day][max(versions[day])]
        sums: dict[str, Any] = {}
        for where, i, record in latest:
            metric = mapping.metrics[record[mapping.category or ""]].metric
            amount = _number(record.get(mapping.value or ""), where, i, problems, mapping.value or "")
            if amount is not None:
                sums[metric] = sums.get(metric, 0) + amount
        days.append(Day(latest[0][0], latest[0][1], day, sums))
    return days


def _figures(mapping: TableMapping, day: Day, problems: list[Problem]) -> list[Figure]:
    """The figures one date states, in the mapping's order of metrics."""
    if mapping.layout == "long":
        stated = [(metric, value, None) for metric, value in day.cells.items()]
    else:
        stated = []
        for column, spec in mapping.metrics.items():
            value = _number(day.cells.get(column), day.where, day.row, problems, column)
            if value is not None:
                hedge = _hedge(day.cells.get(spec.qualifier) if spec.qualifier else None, day, problems)
                stated.append((spec.metric, value, hedge))
    figures: dict[str, Figure] = {}
    for metric, value, hedge in stated:
        if metric in figures:  # two columns of one metric in a wide table: summed, as categories are
            value += figures[metric].low
        if hedge == "about":
            figures[metric] = Figure(metric, value, value, "about")
        elif hedge == "more":
            figures[metric] = Figure(metric, value, None, "more")
        else:
            figures[metric] = Figure(metric, value, None if mapping.bound == "floor" else value)
    return list(figures.values())


def _number(
    value: Any, where: str, row: int, problems: list[Problem], column: str = ""
) -> int | float | None:
    """A cell's count: a number, or text of one ("1,234"); blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = (
            value
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else float(str(value).replace(",", ""))
        )
    except ValueError:
        problems.append(Problem(where, row, f"{column or 'value'} {value!r} is not a number"))
        return None
    if amount < 0:
        problems.append(
            Problem(where, row, f"{column or 'value'} {number(amount)} is negative: a count cannot be")
        )
        return None
    return int(amount) if float(amount).is_integer() else amount


def _hedge(word: Any, day: Day, problems: list[Problem]) -> str | None:
    if word is None or not str(word).strip():
        return None
    hedge = HEDGES.get(str(word).strip().casefold())
    if hedge is None:
        known = ", ".join(sorted(HEDGES))
        problems.append(Problem(day.where, day.row, f"unknown qualifier {word!r} (known: {known})"))
    return hedge


def _text(template: str, day: Day) -> str:
    """The claim text: ``{date}`` and ``{column}`` filled in from the row."""

    def fill(match: re.Match[str]) -> str:
        key = match[1]
        if key == "date":
            return day.date
        value = day.cells.get(key)
        return "" if value is None else str(value)

    return re.sub(r"\{([^{}]+)\}", fill, template)


def is_mapping(path: Path) -> bool:
    return path.suffix.casefold() == ".toml"
