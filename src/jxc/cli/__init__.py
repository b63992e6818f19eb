"""The ``jxc`` command line: Typer app assembly; each context contributes its commands."""
