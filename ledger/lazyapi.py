"""A package whose names are imported from its modules when first used (PEP 562).

``claim-ledger --version`` needs none of the library, and ``link`` none of the
analysis but the link rules: a package's ``__init__`` that imported every module
would load them all for every command. :func:`install` makes each name of a
package's API come from its module on first use instead.

A name that is also a submodule's (``ledger.report``, the reader, and the module
``ledger.report``; ``ledger.analysis.figures``) stays the API's: Python sets a
package's attribute to a submodule once the submodule is imported, which would
hide the function, so such an assignment is ignored. The submodule stays in
``sys.modules`` (``from ledger.report import Report`` works).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def install(package: str, api: Mapping[str, str]) -> Callable[[str], Any]:
    """Make ``package`` (its ``__name__``) lazy; ``api`` maps each name to the module (relative
    to the package) that defines it. Returns the package's ``__getattr__``."""

    class Package(types.ModuleType):
        def __setattr__(self, name: str, value: Any) -> None:
            if name in api and isinstance(value, types.ModuleType):
                return
            super().__setattr__(name, value)

    sys.modules[package].__class__ = Package

    def getattr_(name: str) -> Any:
        module = api.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # found at once the next time
        return value

    return getattr_
