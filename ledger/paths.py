"""Where the ledger lives: ``--db``, else ``$CLAIM_LEDGER_DB``, else the user data dir."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "CLAIM_LEDGER_DB"
APP_NAME = "claim-ledger"
DEFAULT_NAME = "ledger.json"


@dataclass(frozen=True, slots=True)
class LedgerPath:
    """Where the ledger is: a file (``path``) or a PostgreSQL URL (``url``), and why that one."""

    path: Path | None
    why: str  # "--db", "$CLAIM_LEDGER_DB" or "default"
    url: str | None = None  # postgresql://user@host/db?ledger=NAME

    @property
    def shown(self) -> str:
        """What messages print: the file, or the URL with its password hidden."""
        if self.url is not None:
            from .pgstore import parse

            return parse(self.url).shown
        return str(self.path)


def resolve(db: str | os.PathLike[str] | None, environ: dict[str, str] | None = None) -> LedgerPath:
    env = os.environ if environ is None else environ
    if db is not None and str(db).strip():
        return _located(db, "--db")
    if env.get(ENV_VAR, "").strip():
        return _located(env[ENV_VAR], f"${ENV_VAR}")
    from platformdirs import user_data_path

    return LedgerPath(user_data_path(APP_NAME, appauthor=False) / DEFAULT_NAME, "default")


SCHEMES = ("postgresql", "postgres")  # a ledger in PostgreSQL (ledger.pgstore)


def is_url(value: str) -> bool:
    """Whether ``--db`` names a PostgreSQL ledger rather than a file."""
    return value.split(":", 1)[0].casefold() in SCHEMES and "://" in value


def _located(value: str | os.PathLike[str], why: str) -> LedgerPath:
    """A PostgreSQL URL as given; anything else a file, made absolute."""
    if isinstance(value, str) and is_url(value.strip()):
        return LedgerPath(None, why, value.strip())
    return LedgerPath(_absolute(value), why)


def _absolute(value: str | os.PathLike[str]) -> Path:
    return Path(os.path.expanduser(os.fspath(value))).absolute()


# The real-world examples under sample_data/: their mappings, imported in this order.
EXAMPLES = {"ua-losses": ("general-staff.toml", "oryx.toml", "lod-db.toml")}


def sample_file() -> Path:
    """The bundled seed-article ledger."""
    return _bundled("kharkiv-2023-12-31.json")


def example_mappings(name: str) -> list[Path]:
    """The mapping files of a bundled example (:data:`EXAMPLES`), in import order."""
    return [_bundled(f"{name}/{mapping}") for mapping in EXAMPLES[name]]


def _bundled(relative: str) -> Path:
    """A file of sample_data/: inside the package when installed from a wheel, at the top
    of the repository when run from a checkout (editable install)."""
    here = Path(__file__).resolve().parent
    for folder in (here / "sample_data", here.parent / "sample_data"):
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    from .errors import StorageError

    raise StorageError(f"the bundled sample {relative} is missing from this installation: reinstall")
