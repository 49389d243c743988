"""The garbage collector's threshold around start-up, shared by the process entry point
(`__main__.run`, which raises it) and the command line (`cli._load`, which restores it).

Start-up allocates tens of thousands of objects that live until the process ends (modules,
classes, compiled packs) and no cycle worth collecting: with the default threshold the collector
walks them again and again (a tenth of a one-manifest run). Once the packs are loaded they are
frozen out of the collector's sight and the default applies to the linting itself; a command
that loads no packs keeps collecting, only less often."""

START_THRESHOLD = (100_000, 50, 100)
DEFAULT_THRESHOLD = (700, 10, 10)  # CPython's own
