"""`python -m doctrine_lint` runs the command line."""

from doctrine_lint.cli import main

if __name__ == "__main__":
    main()
