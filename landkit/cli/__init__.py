"""The ``landkit`` command line: a click group, one module per subcommand."""
