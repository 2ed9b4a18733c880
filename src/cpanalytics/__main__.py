"""``python -m cpanalytics``."""

import sys

from cpanalytics.cli import main

sys.exit(main())
