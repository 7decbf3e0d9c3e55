"""`python -m rpsdg_formal.cli`: the command line."""

import sys

from rpsdg_formal.cli.main import main

sys.exit(main())
