"""Domain events: past-tense facts a use case records and a message bus hands out after commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DomainEvent:
    """Base class; concrete events are frozen dataclasses named in the past tense."""


Handler = Callable[[Any], None]


@dataclass
class EventBus:
    """In-process publish/subscribe. Handlers run after the unit of work commits."""

    handlers: dict[type[DomainEvent], list[Handler]] = field(default_factory=lambda: defaultdict(list))

    def subscribe(self, event_type: type[DomainEvent], handler: Handler) -> None:
        self.handlers[event_type].append(handler)

    def publish(self, events: list[DomainEvent]) -> None:
        for event in events:
            for handler in self.handlers.get(type(event), []):
                handler(event)
