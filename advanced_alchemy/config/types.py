"""Type aliases shared by the configuration classes and the framework integrations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Callable, Literal

from typing_extensions import TypeAlias

CommitStrategy: TypeAlias = Literal["always", "match_status"]
"""When a framework integration commits the request's session: always, or only for a 2xx/3xx response."""

TypeEncodersMap: TypeAlias = Mapping[Any, Callable[[Any], Any]]
"""Extra JSON encoders: ``{type: encoder}``."""

TypeDecodersSequence: TypeAlias = Sequence[tuple[Callable[[Any], bool], Callable[[Any, Any], Any]]]
"""Extra JSON decoders: ``(predicate(target_type), decoder(target_type, value))`` pairs."""
