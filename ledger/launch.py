"""The ``claim-ledger`` command's first lines: nothing heavy is imported before Ctrl-C is handled.

Loading the command line (Typer, the commands) takes a tenth of a second; Ctrl-C
pressed then would otherwise end in a Python traceback. Here it ends as any
interrupt does: one line, exit 130, nothing changed.
"""

from __future__ import annotations

import os


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        os.write(2, b"\nError: interrupted: nothing was changed\n")
        os._exit(130)
    run()
