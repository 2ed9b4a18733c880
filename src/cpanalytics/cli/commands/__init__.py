"""One module per CLI sub-command: ``HELP``, ``add_arguments(parser)`` and ``run(args)``."""
