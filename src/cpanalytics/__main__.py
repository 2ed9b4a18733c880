"""``python -m cpanalytics``."""

import sys

from cpanalytics.cli.main import main

sys.exit(main())
