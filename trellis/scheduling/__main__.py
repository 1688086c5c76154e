"""`python -m trellis.scheduling solve INSTANCE -o SOLUTION ...` (see solver/cli.py)."""

import sys

try:
    from trellis.scheduling.solver.cli import main
except KeyboardInterrupt:  # Ctrl-C while OR-Tools is still being imported: nothing started
    print("trellis.scheduling: aborted; no solution written", file=sys.stderr)
    sys.exit(130)

if __name__ == "__main__":
    sys.exit(main())
