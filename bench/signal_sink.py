"""A bare workflow for the benchmark's anchor: it only counts the signals it receives."""

from __future__ import annotations

from temporalio import workflow


@workflow.defn
class SignalSinkWorkflow:
    def __init__(self) -> None:
        self.received = 0

    @workflow.run
    async def run(self, expected: int) -> int:
        await workflow.wait_condition(lambda: self.received >= expected)
        return self.received

    @workflow.signal
    def ping(self, _: int) -> None:
        self.received += 1
