"""Transparency report (関係人口の可視化 and the town's books), built from the chain alone.

Layers, each module one job and none importing a module that uses it:
``index`` (logs into SQLite) → ``events`` (decode) → ``members``, ``participation``, ``rewards``, ``books``,
``sales`` (figures) → ``reconcile`` (figures against the chain) → ``csvout``, ``charts``, ``site`` (outputs) →
``build`` (the one entry point: :func:`build.write_report`). ``bench`` measures the indexer.
"""

METHOD_VERSION = "furusato-transparency-1"
