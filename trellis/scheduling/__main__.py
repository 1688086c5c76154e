"""`python -m trellis.scheduling solve INSTANCE -o SOLUTION ...` (see solver/cli.py)."""

import sys

from trellis.scheduling.solver.cli import main

if __name__ == "__main__":
    sys.exit(main())
