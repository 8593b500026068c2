"""`python -m pgserver …` is the `pgserver` command."""

from pgserver.cli import main

raise SystemExit(main())
