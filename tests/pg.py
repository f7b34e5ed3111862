"""A PostgreSQL server for the tests: a database of their own, created and dropped per run.

The server is ``$CLAIM_LEDGER_TEST_POSTGRES`` (a URL of a database the test role may
create databases from), by default the machine's own on the loopback as
``postgres``. Without psycopg or a reachable server the PostgreSQL tests skip and
say how to run them, unless ``CLAIM_LEDGER_REQUIRE_POSTGRES`` is set (``.ci/run``
sets it), when they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

SERVER = os.environ.get("CLAIM_LEDGER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
HOW = (
    "start PostgreSQL on 127.0.0.1:5432 with a 'postgres' role that may create databases "
    "(or set CLAIM_LEDGER_TEST_POSTGRES to a server's URL), and pip install -e '.[test]'"
)


def _unavailable(why: str) -> None:
    if os.environ.get("CLAIM_LEDGER_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL is required here and {why}: {HOW}")
    pytest.skip(f"no PostgreSQL for these tests ({why}): {HOW}")


def database() -> Iterator[str]:
    """A fresh database's URL for the whole run; dropped afterwards."""
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed")
        return
    name = f"claim_ledger_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(SERVER, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        _unavailable(f"the server at {SERVER} cannot be used: {str(exc).strip().splitlines()[0]}")
        return
    parts = urlsplit(SERVER)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    finally:
        with psycopg.connect(SERVER, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            # roles are the server's, not the database's: the run's logins and group roles go too
            for (role,) in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s",
                (f"{name}%", f"cl_{name}%"),
            ).fetchall():
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def login(server_url: str, name: str) -> str:
    """A login role on the server for this run (dropped with its database), and its URL."""
    import psycopg

    database = server_url.rsplit("/", 1)[1]
    role = f"{database}_{name}"
    with psycopg.connect(SERVER, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    parts = urlsplit(server_url)
    host = parts.netloc.split("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, "", ""))
