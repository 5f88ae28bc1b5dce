"""``python -m furusato.cli``: the same as the `furusato` command."""

from furusato.cli import main

main()
