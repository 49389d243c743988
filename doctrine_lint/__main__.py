"""Process entry point of `python -m doctrine_lint` and of the `doctrine-lint` console script:
sets up the garbage collector for start-up, then hands over to the command line (`cli.main`)."""

import gc

# Start-up allocates tens of thousands of objects that live until the process ends (modules,
# classes, compiled packs) and no cycle worth collecting: with the default threshold the collector
# walks them again and again (a tenth of a one-manifest run). `cli._load` restores the default
# once the packs are loaded and frozen out of the collector's sight; a command that loads no packs
# keeps collecting, only less often.
START_THRESHOLD = (100_000, 50, 100)
DEFAULT_THRESHOLD = (700, 10, 10)  # CPython's own


def run() -> None:
    gc.set_threshold(*START_THRESHOLD)
    from doctrine_lint.cli import main

    main()


if __name__ == "__main__":
    run()
