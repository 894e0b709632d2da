"""Entry point: ``paperterm`` and ``python -m paperterm``."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line and exit with its status."""
    from paperterm.cli import run

    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
