"""Framework integrations: ``flask`` (and, as they land, ``litestar``, ``fastapi``, ``starlette``, ``sanic``).

Each integration is a subpackage that imports its framework, so import the one you use
(``from advanced_alchemy.extensions.flask import AdvancedAlchemy``); this package itself imports none of them.
The request-scoped session lifecycle they share lives in :mod:`advanced_alchemy.extensions._lifecycle`.
"""
