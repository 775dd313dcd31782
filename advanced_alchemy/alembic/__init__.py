"""Alembic integration: commands driven by a library config, migration templates and schema utilities.

* :mod:`advanced_alchemy.alembic.commands` - :class:`~advanced_alchemy.alembic.commands.AlembicCommands`.
* :mod:`advanced_alchemy.alembic.environment` - what the templates' ``env.py`` uses.
* :mod:`advanced_alchemy.alembic.utils` - ``drop_all`` and ``dump_tables``.
"""
