"""`python -m sage_sandbox --port 8200 …` runs the sandbox (same options as `pgserver sandbox`)."""

from .cli import main

raise SystemExit(main())
