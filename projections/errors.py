"""Errors of the read side, each with a German message an operator can act on."""

from __future__ import annotations

from domain.errors import DomainError, InvalidInput, NotFound


class UnknownProjection(InvalidInput):
    """A projection name that does not exist."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            f"Eine Projektion „{name}“ gibt es nicht. Bekannt sind: {', '.join(known)}."
        )


class ProjectionHalted(DomainError):
    """A projector met an event it cannot handle; it stops at that position instead of skipping."""

    code = "projection_halted"

    def __init__(self, projection: str, position: int, topic: str, cause: str) -> None:
        super().__init__(
            f"Projektion „{projection}“ angehalten an Position {position}: das Ereignis {topic} "
            f"kann nicht verarbeitet werden ({cause}). Nichts wurde übersprungen; nach einer "
            "Korrektur setzt sie an dieser Position wieder an."
        )
        self.projection = projection
        self.position = position
        self.topic = topic


class RebuildRunning(DomainError):
    """Another process rebuilds the projection right now: two would write the same generation."""

    code = "rebuild_running"

    def __init__(self, projection: str) -> None:
        super().__init__(f"Die Projektion „{projection}“ wird gerade anderswo neu aufgebaut; bitte warten, "
                         "bis jener Neuaufbau fertig ist.")


class CheckpointCorrupt(DomainError):
    """The signed checkpoint file cannot be trusted (bad JSON, bad signature, broken order)."""

    code = "checkpoint_corrupt"


__all__ = ["CheckpointCorrupt", "InvalidInput", "NotFound", "ProjectionHalted", "RebuildRunning",
           "UnknownProjection"]
