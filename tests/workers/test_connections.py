"""Connections beyond the embedded default: an SMTP relay with STARTTLS or implicit TLS and a
login (a real aiosmtpd server with a certificate made here), and Temporal with TLS, mTLS or an
API key (the options handed to the client; the dev server speaks no TLS)."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from temporalio.service import TLSConfig

from config.settings import SettingsError, load_settings
from tests.ports import free_port
from workers.bootstrap import build_mailer
from workers.temporal_client import connection_options


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


def authenticator(inbox: Inbox) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"buendnis", b"geheim-genug")
        if ok:
            inbox.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)

    return check


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    """An SMTP relay that insists on STARTTLS before a login, and on a login before mail."""
    cert, key = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticator(inbox), auth_required=True, auth_require_tls=True)
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def message() -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "servicebuero@buendnis.invalid", "k@example.invalid", "Erinnerung"
    m.set_content("Guten Tag")
    return m


def test_mail_goes_through_a_relay_with_starttls_and_a_login(relay: tuple[Inbox, int, Path], tmp_path: Path) -> None:
    inbox, port, ca = relay
    settings = load_settings(var_dir=tmp_path, smtp_port=port, smtp_security="starttls", smtp_user="buendnis",
                             smtp_password="geheim-genug", smtp_ca_file=ca)
    build_mailer(settings).send(message())
    assert inbox.logins == ["buendnis"] and len(inbox.messages) == 1


def test_a_relay_with_an_unknown_certificate_is_refused(relay: tuple[Inbox, int, Path], tmp_path: Path) -> None:
    inbox, port, _ca = relay
    settings = load_settings(var_dir=tmp_path, smtp_port=port, smtp_security="starttls", smtp_user="buendnis",
                             smtp_password="geheim-genug")
    with pytest.raises(ssl.SSLCertVerificationError):
        build_mailer(settings).send(message())
    assert inbox.messages == []


def test_a_login_without_encryption_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SMTP-Login ohne Verschlüsselung"):
        load_settings(var_dir=tmp_path, smtp_user="buendnis", smtp_password="geheim-genug")


def test_temporal_gets_tls_mtls_and_an_api_key_from_the_settings(tmp_path: Path) -> None:
    cert, key = certificate(tmp_path)
    assert connection_options(load_settings(var_dir=tmp_path)) == {}
    options = connection_options(load_settings(
        var_dir=tmp_path, temporal_tls_ca_file=cert, temporal_tls_cert_file=cert, temporal_tls_key_file=key,
        temporal_tls_server_name="temporal.intern"))
    tls = options["tls"]
    assert isinstance(tls, TLSConfig) and tls.client_cert == cert.read_bytes()
    assert tls.client_private_key == key.read_bytes() and tls.domain == "temporal.intern"
    cloud = connection_options(load_settings(var_dir=tmp_path, temporal_api_key="k" * 40))
    assert cloud["api_key"] == "k" * 40 and isinstance(cloud["tls"], TLSConfig)
    with pytest.raises(SettingsError, match="gehören zusammen"):
        load_settings(var_dir=tmp_path, temporal_tls_cert_file=cert)
