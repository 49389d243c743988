"""Process entry point of `python -m doctrine_lint` and of the `doctrine-lint` console script:
raises the collector's threshold for start-up (`startup`), then hands over to `cli.main`."""

import gc

from doctrine_lint.startup import START_THRESHOLD


def run() -> None:
    gc.set_threshold(*START_THRESHOLD)
    from doctrine_lint.cli import main

    main()


if __name__ == "__main__":
    run()
