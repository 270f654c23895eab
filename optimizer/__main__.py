"""`python -m optimizer` runs the `interop` command line."""

from .cli import main

main(prog_name="interop")
