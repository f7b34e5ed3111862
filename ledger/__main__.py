"""``python -m ledger``: the same program as ``claim-ledger``."""

from .launch import main

if __name__ == "__main__":
    main()
