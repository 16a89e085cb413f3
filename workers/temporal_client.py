"""The Temporal client of every process, connected as the settings say: plain, TLS, mTLS or API key."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client
from temporalio.service import TLSConfig

from config.settings import Settings
from workflows.runtime import connect


def connection_options(settings: Settings) -> dict[str, Any]:
    """`tls` and `api_key` for Client.connect; nothing for the embedded dev server."""
    options: dict[str, Any] = {}
    if settings.temporal_uses_tls:
        read = lambda path: path.read_bytes() if path is not None else None  # noqa: E731
        options["tls"] = TLSConfig(
            server_root_ca_cert=read(settings.temporal_tls_ca_file),
            client_cert=read(settings.temporal_tls_cert_file),
            client_private_key=read(settings.temporal_tls_key_file),
            domain=settings.temporal_tls_server_name,
        )
    if settings.temporal_api_key is not None:
        options["api_key"] = settings.temporal_api_key.get_secret_value()
    return options


async def connect_client(settings: Settings) -> Client:
    return await connect(settings.temporal_address, settings.temporal_namespace, **connection_options(settings))
