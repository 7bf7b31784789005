"""Run the command line with `python -m sharewizard`."""

from sharewizard.cli import main

main()
