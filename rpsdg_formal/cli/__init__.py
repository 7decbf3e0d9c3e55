"""The command line: one parser per subcommand and the commands themselves."""

from rpsdg_formal.cli.main import main

__all__ = ["main"]
