"""Repository behaviour with no I/O: statements, options, result shaping and the operations themselves.

The sync and async repositories are thin shells that hand these operations to a driver loop
(:mod:`advanced_alchemy._drivers`), so both behave identically by construction.
"""
