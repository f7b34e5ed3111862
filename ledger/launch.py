"""The ``claim-ledger`` command's first lines: nothing heavy is imported before Ctrl-C is handled.

Loading the command line (Typer, the commands) takes a tenth of a second. Ctrl-C
pressed then is held until the loading is done, then ends the command as any
interrupt does: one line, exit 130, nothing changed. Later, an interrupt that
lands inside Python's import machinery (where it cannot be raised, and Python would
print it as an ignored exception) is sent again, to land where it can.
"""

from __future__ import annotations

import os
import signal
import sys


def main() -> None:
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: held.append(number))
    try:
        from .cli import main as run
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        os.write(2, b"\nError: interrupted: nothing was changed\n")
        os._exit(130)
    sys.unraisablehook = _interrupt_again
    run()


def _interrupt_again(unraisable: object) -> None:
    """An interrupt Python could not raise (inside an import lock's callback): raise it again
    a moment later, once this hook has returned. Sent again at once, it would be raised inside
    the hook itself, which Python cannot raise either: it printed a traceback (seen in tests)."""
    if not isinstance(getattr(unraisable, "exc_value", None), KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)  # type: ignore[arg-type]
    elif hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _interrupted)
        signal.setitimer(signal.ITIMER_REAL, 0.005)
    else:  # no timer (Windows): send it now, and let Python say what it can
        os.kill(os.getpid(), signal.SIGINT)


def _interrupted(number: int, frame: object) -> None:
    raise KeyboardInterrupt
