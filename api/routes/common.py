"""Helpers shared by the command routes: run a command, turn body-id misses into 422."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import Depends, Request

from api.auth import Principal
from api.context import Context, api_principal, body_ids_not_found, context, idempotency_key
from domain.errors import NotFound

T = TypeVar("T")


class Caller:
    """The context, the principal and the idempotency key of one request."""

    def __init__(self, ctx: Context, principal: Principal, command_id: str | None,
                 path_ids: frozenset[str] = frozenset()) -> None:
        self.ctx, self.principal, self.command_id = ctx, principal, command_id
        self.path_ids = path_ids  # the ids in the address: one of them missing is a 404
        self.app = ctx.application
        self.by = principal.by

    async def run(self, command: Callable[..., T], *body_ids: UUID | None, **kwargs: Any) -> T:
        """Calls an application command with `by` and `command_id`; a missing body id is a 422."""
        try:
            return await self.ctx.execute(partial(command, by=self.by, command_id=self.command_id, **kwargs))
        except NotFound as e:
            if any(i in e.message for i in self.path_ids):
                raise  # what the address names is missing (a body id may be the same UUID)
            problem = body_ids_not_found(e, *body_ids)
            if problem is not None:
                raise problem from None
            raise


async def caller(request: Request, principal: Annotated[Principal, Depends(api_principal)]) -> Caller:
    path_ids = frozenset(str(v) for v in request.path_params.values())
    return Caller(context(request), principal, idempotency_key(request, principal), path_ids)


CallerDep = Annotated[Caller, Depends(caller)]
