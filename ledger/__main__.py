"""``python -m ledger``: the same program as ``claim-ledger``."""

from .cli import main

if __name__ == "__main__":
    main()
