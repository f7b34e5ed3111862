"""Reports and exchange: ``figures``, ``export``, ``import``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UsageError
from ..words import and_more, plural
from .context import (
    DEFAULT_LIMIT,
    FIGURES_LIMIT,
    Env,
    console,
    done,
    echo_json,
    env,
    filtered,
    limited,
    listing,
)

if TYPE_CHECKING:
    from ..export import Request
    from ..importer import Batch
    from ..model import Imported
    from ..report import Filters
    from ..store import Store


def register(app: typer.Typer) -> None:
    app.command()(figures)
    app.command()(export)
    app.command("import")(import_)
    app.command()(copy)


MetricOpt = Annotated[
    str | None,
    typer.Option(
        "--metric",
        metavar="METRIC",
        help="One metric over time: a row per date, a column per source, the confirmed floor, "
        "its share of the claim and a bar chart.",
    ),
]
EveryOpt = Annotated[
    str | None,
    typer.Option(
        "--every",
        metavar="PERIOD",
        help="With --metric: a row per day, week, month, quarter or year (its last date with a figure). "
        "Default: day, or month past 62 days.",
    ),
]
ClaimantOpt = Annotated[
    str | None,
    typer.Option(
        "--claimant",
        metavar="SOURCE",
        help="With --metric: whose figures the floor and share are of. Default: the source "
        "whose figures are most often only partly confirmed.",
    ),
]


@listing(what="metrics, one object per event and metric (with --metric: the series)")
def figures(
    ctx: typer.Context,
    filters: Filters,
    metric: MetricOpt = None,
    every: EveryOpt = None,
    claimant: ClaimantOpt = None,
    as_json: bool = False,
    limit: int | None = None,
) -> None:
    """Per event and metric: each origin's value, the low-high range, and conflicts.

    Values from different origins that cannot both be true are a conflict; a relay
    repeating its origin's value is not; a value another claim of the same source
    updates is shown but no longer current. With --metric, one metric over time:
    what each source said as of each date, and how much of the claim an
    independent floor confirms.

    \b
    Example: claim-ledger figures --event kharkiv-2023-12-31
    Example: claim-ledger figures --metric tank --every month
    """
    from .. import render

    if metric is None and (every or claimant):
        raise UsageError("--every and --claimant go with --metric: name the metric to follow")
    if metric is not None:
        _series(ctx, filters, metric, every, claimant, as_json)
        return
    report = env(ctx).report()  # from the derived cache when it is fresh: only the claims chosen are built
    groups = report.figures(filters)
    groups = limited(groups, limit, as_json, "metrics", FIGURES_LIMIT)
    if as_json:
        from ..export.listing import figures_json

        echo_json(figures_json(groups))
    else:
        console().print(render.figures_view(report, groups))


def _series(
    ctx: typer.Context, filters: Filters, metric: str, every: str | None, claimant: str | None, as_json: bool
) -> None:
    """``figures --metric``: weighs that metric's figures only, not every verdict."""
    from .. import analysis, ops, render
    from ..export.listing import series_json

    events = sorted(filters.events)
    if len(events) > 1:
        raise UsageError("--metric follows one event: give --event once")
    options = {
        "event": events[0] if events else None,
        "every": every.strip().casefold() if every else None,
        "claimant": claimant,
    }
    name = metric.strip().casefold()
    with env(ctx).reading() as store:
        if filters.statuses:  # a status filter needs every verdict
            report = ops.report(store)
            found = analysis.series(
                report.select(filters), report.assessments, report.numbers, name, **options
            )
        else:
            sources, claims = store.sources(), store.claims()
            chosen = [c for c in claims.values() if filters.admits(c, sources.get(c.source), None)]
            found = analysis.series_of(
                sources, claims, store.links(), name, chosen=chosen, levels=store.levels(), **options
            )
    if as_json:
        echo_json(series_json(found))
    else:
        console().print(render.series_view(found, console().width))


class ExportFormat(StrEnum):
    markdown = "markdown"
    json = "json"
    csv = "csv"
    claimreview = "claimreview"
    misp = "misp"


FormatArg = Annotated[
    ExportFormat,
    typer.Argument(
        metavar="FORMAT",
        show_default=False,
        help="markdown (the report), json (the whole ledger, lossless), csv (one row per claim), "
        "claimreview (schema.org JSON-LD) or misp (a MISP event, Admiralty-tagged).",
    ),
]
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (replaced atomically; a new file is readable by you only). "
        "Default, or '-': standard output.",
    ),
]
GraphOpt = Annotated[
    bool, typer.Option("--graph", help="markdown: add a Mermaid diagram of the links (GitHub draws it).")
]
FullOpt = Annotated[
    bool,
    typer.Option(
        "--full", help="markdown: the claim tables too, however many claims (past 500 they are left out)."
    ),
]
ConfidentialOpt = Annotated[
    bool,
    typer.Option(
        "--include-confidential",
        help="Name confidential sources, with their name, URL and notes (for your own backups).",
    ),
]
AuthorOpt = Annotated[
    str | None,
    typer.Option(
        "--author",
        metavar="NAME",
        help="claimreview: the organisation publishing the reviews (schema.org asks for one).",
    ),
]


@filtered
def export(
    ctx: typer.Context,
    fmt: FormatArg,
    filters: Filters,
    output: OutputOpt = None,
    graph: GraphOpt = False,
    full: FullOpt = False,
    include_confidential: ConfidentialOpt = False,
    author: AuthorOpt = None,
) -> None:
    """Write the report (markdown), the whole ledger (json), a spreadsheet (csv),
    schema.org ClaimReview JSON-LD (claimreview) or a MISP event (misp).

    The filters choose the claims, as for 'list'. A filtered json export holds those
    claims, their sources and the links between them, without history. Confidential
    sources appear under their pseudonym (source-1...), without name, URL or notes,
    and so do their claims' URLs and quotes, unless --include-confidential is given.

    \b
    The markdown report leads with a summary: claims by source and status, each
    metric stated on several dates over time (a table of month ends and a chart GitHub
    draws), the largest gaps between claimed and confirmed, and check's findings. The
    claim tables follow, for a ledger of more than 500 claims only with --full or filters.

    \b
    Example: claim-ledger export markdown --event kharkiv-2023-12-31 -o report.md
    Example: claim-ledger export claimreview --author "Kharkiv Desk" -o reviews.jsonld
    """
    from .. import export as writers
    from .. import storage
    from .progress import progress

    _only_for(fmt, graph=graph, full=full, author=author is not None)
    target = None if output in (None, "-") else Path(output)
    e = env(ctx)
    where = e.location()
    if target is not None and where.path is not None and _same_file(target, where.path):
        raise UsageError(f"--output {target} is the ledger itself: choose another file")
    options = {
        "filters": filters,
        "include_confidential": include_confidential,
        "graph": graph,
        "full": full,
        "author": author,
    }
    cached = e.cached() if fmt.value in writers.FROM_REPORT else None
    with progress() as bar:
        bar.stage(f"Writing {fmt.value}")
        done_ = None
        if cached is not None and where.path is not None:  # the ledger itself need not be read
            done_ = writers.write_weighed(
                fmt.value, cached.report, _request(None, where.path.stem, e, fmt, options)
            )
        if done_ is None:
            with e.reading() as store:
                request = _request(store, store.stem, e, fmt, options)
                done_ = writers.write(fmt.value, store.sources(), store.claims(), store.links(), request)
            if fmt.value in writers.FROM_REPORT and cached is None and store.path is not None:
                e.cache_later(store.path, len(store.claims()))  # weighed it: the next one need not
    if target is None:
        sys.stdout.write(done_.text)
        return
    storage.write_output(target, done_.text.encode("utf-8"), what="export")
    done(f"Wrote {fmt.value} for {plural(done_.claims, 'claim')} to {target}.")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.resolve() == Path(f"{b.resolve()}.lock")
    except OSError:
        return False


FileArg = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="A claim-ledger JSON export, a CSV file or JSON Lines; '-' reads standard input.",
    ),
]
ImportFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="json, csv or jsonl. Default: from the file name (.json, .csv, .jsonl/.ndjson).",
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Check everything and show what would be added; write nothing.")
]
ConflictsOpt = Annotated[
    str,
    typer.Option(
        "--conflicts",
        metavar="HOW",
        help="A row that states a claim the ledger holds, otherwise (another URL, tags...): "
        "refuse (the default: nothing is written), skip (keep the ledger's) or add (a new claim).",
    ),
]
RechainOpt = Annotated[
    bool,
    typer.Option(
        "--rechain-history",
        help="Import a backup whose history chain is broken: chain it again, and record that in "
        "the history. Only for a backup you trust.",
    ),
]
CreateSourcesOpt = Annotated[
    bool,
    typer.Option(
        "--create-sources",
        help="Create sources the ledger lacks from the rows' source_kind, source_party, "
        "source_name and source_reliability columns.",
    ),
]


def import_(
    ctx: typer.Context,
    file: FileArg,
    fmt: ImportFormatOpt = None,
    dry_run: DryRunOpt = False,
    create_sources: CreateSourcesOpt = False,
    conflicts: ConflictsOpt = "refuse",
    rechain_history: RechainOpt = False,
) -> None:
    """Add claims, sources and links from a file: all of them, or none.

    Every problem is listed with its row number and nothing is written unless all rows
    are fine. A claim-ledger JSON export into an empty ledger gives the same ledger back,
    ids and history included; anything else is added after the claims already there. If
    the ledger does not exist yet, import creates it. Importing a file twice changes
    nothing: rows the ledger already holds are counted, not added again.

    \b
    Example: claim-ledger import claims.csv --create-sources --dry-run
    """
    from .. import ops, render
    from ..store import ledger_exists, memory_store
    from .progress import progress

    e = env(ctx)
    with progress() as bar:
        bar.stage(f"Reading {'standard input' if file == '-' else Path(file).name}")
        name, batch = _read_batch(file, fmt)
        exists = ledger_exists(e.location())
        now = e.now()

        def run(store: Store) -> Imported:
            bar.stage(f"Checking {len(batch.claims):,} rows", total=len(batch.claims))
            imported = ops.import_batch(
                store,
                batch,
                now=now,
                create_sources=create_sources,
                on_conflict=conflicts.strip().casefold(),
                rechain=rechain_history,
                progress=bar.advance,
            )
            if not dry_run:
                bar.stage("Writing the ledger")
            return imported

        if dry_run and not exists:
            added = run(memory_store())
        elif dry_run:  # the ledger as read, changed in memory only
            with e.reading() as store:
                added = run(store)
        else:
            with e.writing(create=not exists) as store:
                added = run(store)
    if dry_run and added.claims:
        shown = added.claims[:DEFAULT_LIMIT]
        if len(added.claims) > len(shown):
            done(f"Showing the first {len(shown)} of {len(added.claims):,} rows; every row was checked.")
        console().print(render.import_table(added, shown))
    done(_imported_words(added, name, dry_run))


def _request(store: Store | None, name: str, e: Env, fmt: ExportFormat, options: dict[str, Any]) -> Request:
    """What an export in ``fmt`` is asked for: its name, the time, and from ``store`` the registry
    and history (none from a report already weighed, which needs neither: the cache)."""
    from ..export import Request

    held: dict[str, Any] = {}
    if store is not None:
        held = {
            "history": store.history() if fmt is ExportFormat.json else (),
            "last_ids": store.last_ids(),
            "parties": list(store.parties().values()),
            "metrics": list(store.metrics().values()),
            "levels": store.levels(),
        }
    return Request(name=name, now=e.now(), now_words=e.now_words(), **held, **options)


def copy(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(metavar="FROM", help="The ledger to copy: a file or a PostgreSQL URL.")
    ],
    target: Annotated[
        str, typer.Argument(metavar="TO", help="Where to: a file or a PostgreSQL URL; it must not exist yet.")
    ],
) -> None:
    """Copy a whole ledger to a new home: a file to PostgreSQL, or back.

    Everything goes: sources (confidential ones whole), claims, links, parties,
    metrics, the id counters and the history with its chain, as 'export json' and
    'import' of a backup carry them; 'export json' of both is the same afterwards.
    TO must not exist; FROM is only read.

    \b
    Example: claim-ledger copy ledger.json "postgresql://desk@db.example.org/news?ledger=kharkiv"
    """
    from .. import export as writers
    from .. import importer, jsonio, ops
    from ..paths import resolve
    from ..store import open_location

    e = env(ctx)
    origin, destination = resolve(source), resolve(target)
    with open_location(origin) as store:
        request = _request(store, store.stem, e, ExportFormat.json, {"include_confidential": True})
        document = writers.write("json", store.sources(), store.claims(), store.links(), request).text
    batch = importer.from_document(jsonio.loads(document), origin.shown)
    with open_location(destination, create=True, lock_timeout=e.lock_timeout) as store:
        added = ops.import_batch(store, batch, now=e.now())
    done(
        f"Copied {origin.shown} to {destination.shown}: {plural(len(added.sources), 'source')}, "
        f"{plural(len(added.claims), 'claim')}, {plural(len(added.links), 'link')}, "
        f"{plural(added.history, 'history entry', 'history entries')}."
    )


def _only_for(fmt: ExportFormat, **given: bool) -> None:
    """Refuse an option the format does not take: --graph and --full, or --author."""
    for name, used in given.items():
        wanted = ExportFormat.claimreview if name == "author" else ExportFormat.markdown
        if used and fmt is not wanted:
            where = "claimreview" if name == "author" else "the markdown report"
            raise UsageError(f"--{name} only applies to {where}")


def _read_batch(file: str, fmt: str | None) -> tuple[str, Batch]:
    """The file's rows, unchecked; '-' is standard input, which needs its format named."""
    from .. import importer, wide

    if file == "-":
        if not fmt:
            raise UsageError("reading standard input needs --format json, csv or jsonl")
        name, text = "standard input", sys.stdin.read()
        kind = importer.format_of(Path("-"), fmt)
    else:
        path = Path(file)
        if wide.is_mapping(path) and not fmt:  # a series, read through its mapping
            return path.name, wide.batch(wide.read_mapping(path))
        kind = importer.format_of(path, fmt)
        name, text = path.name, importer.read_text(path)
    return name, importer.parse(text, kind, name)


def _imported_words(added: Imported, name: str, dry_run: bool) -> str:
    held = _held_words(added)
    if not added.changes:
        return (
            f"Nothing new in {name}: {held}; nothing was written." if held else f"Nothing in {name} to add."
        )
    return _added_words(added, name, dry_run) + (f" Already in the ledger: {held}." if held else "")


def _held_words(added: Imported) -> str:
    parts = []
    if added.present:
        parts.append(plural(len(added.present), "claim"))
    if added.skipped_links:
        parts.append(plural(added.skipped_links, "link"))
    if added.conflicts:
        parts.append(f"{len(added.conflicts)} told otherwise, kept as the ledger has them")
    return ", ".join(parts)


def _added_words(added: Imported, name: str, dry_run: bool) -> str:
    parts = [plural(len(added.claims), "claim")]
    if added.claims:
        first, last = added.claims[0][1].id, added.claims[-1][1].id
        parts[0] += f" (#{first})" if first == last else f" (#{first}-#{last})"
    parts.append(plural(len(added.links), "link"))
    parts.append(plural(len(added.sources), "new source"))
    if added.history:
        parts.append(plural(added.history, "history entry", "history entries"))
    what = ", ".join(parts)
    alone = ""
    if added.unmatched:
        alone = (
            f" {plural(len(added.unmatched), 'row')} of relays found no claim of their origin on "
            f"their date ({and_more(list(added.unmatched[:3]), len(added.unmatched))}): each stands "
            "as its source's own claim."
        )
    if dry_run:
        return f"Dry run: would add {what} from {name}.{alone} Nothing was written."
    if added.restored:
        return f"Restored {name}: {what}, with the ids it had."
    return f"Imported {what} from {name}.{alone}"
