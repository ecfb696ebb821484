"""A CA of the test's own with a serving certificate for 127.0.0.1 and a client certificate,
made with `cryptography`, written as PEM files for etcd and the client."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.etcd_server import EtcdCerts


def make_certs(directory: Path, name: str = "test") -> EtcdCerts:
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(f"{name} etcd CA", ca_key, ca_key, None, is_ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    # etcd's JSON gateway dials etcd's own gRPC port with the serving pair as its client
    # certificate, so that pair needs client auth too (as kubeadm's etcd/server.crt has)
    server = _certificate("etcd", server_key, ca_key, ca, serving=True)
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _certificate("explorer", client_key, ca_key, ca)
    files = EtcdCerts(
        ca_file=directory / "ca.crt",
        server_cert=directory / "server.crt",
        server_key=directory / "server.key",
        client_cert=directory / "client.crt",
        client_key=directory / "client.key",
    )
    for path, item in (
        (files.ca_file, ca),
        (files.server_cert, server),
        (files.client_cert, client),
    ):
        path.write_bytes(item.public_bytes(serialization.Encoding.PEM))
    for path, key in ((files.server_key, server_key), (files.client_key, client_key)):
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        path.chmod(0o600)
    return files


def _certificate(common_name, key, signing_key, issuer, *, is_ca=False, serving=False):
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if not is_ca:
        usages = [ExtendedKeyUsageOID.CLIENT_AUTH]
        if serving:
            usages.append(ExtendedKeyUsageOID.SERVER_AUTH)
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    if serving:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
    return builder.sign(signing_key, hashes.SHA256())
