import sys

from cowriter.cli import main

sys.exit(main())
