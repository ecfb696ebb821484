"""How to reach etcd, from plain settings: every bad value named in one line."""

from __future__ import annotations

import pytest

from explorer.etcd.access import EtcdAccess, EtcdAccessError, access_from_settings


def test_endpoints_tls_files_timeout_and_prefix_are_taken_from_plain_settings(tmp_path):
    ca, cert, key = (tmp_path / name for name in ("ca.crt", "client.crt", "client.key"))
    for path in (ca, cert, key):
        path.write_text("pem")

    access = access_from_settings(
        {
            "endpoints": "https://10.0.0.10:2379/, https://[fd00::11]:2379",
            "ca_file": str(ca),
            "cert_file": str(cert),
            "key_file": str(key),
            "timeout": "2.5",
            "prefix": "/kubernetes.io",
        }
    )

    assert access == EtcdAccess(
        endpoints=("https://10.0.0.10:2379", "https://[fd00::11]:2379"),
        ca_file=str(ca),
        cert_file=str(cert),
        key_file=str(key),
        timeout=2.5,
        prefix="/kubernetes.io",
    )


def test_only_endpoints_are_needed_and_the_prefix_defaults_to_registry():
    access = access_from_settings({"endpoints": ["http://127.0.0.1:2379"]})

    assert (access.prefix, access.timeout, access.ca_file) == ("/registry", 5.0, None)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"endpoints": " , "}, "endpoints: no etcd endpoint given (https://host:2379)"),
        ({"endpoints": "etcd:2379"}, "endpoints: 'etcd:2379' is not like https://host:2379"),
        ({"endpoints": "https://etcd"}, "endpoints: 'https://etcd' is not like https://host:2379"),
        ({"endpoints": "https://etcd:x"}, "endpoints: 'https://etcd:x' is not a URL"),
        ({"endpoints": "https://etcd:2379/v3"}, "endpoints: 'https://etcd:2379/v3': only scheme"),
        ({"endpoints": "https://u:p@etcd:2379"}, "endpoints: 'https://u:p@etcd:2379': only"),
        ({"ca_file": "/nonexistent"}, "ca_file: '/nonexistent' is not a readable file"),
        ({"timeout": "soon"}, "timeout: 'soon': expected seconds"),
        ({"timeout": 0}, "timeout: 0: expected seconds in (0, 300]"),
        ({"prefix": "registry"}, "prefix: 'registry': expected a key prefix like /registry"),
        ({"prefix": "/registry/"}, "prefix: '/registry/': expected a key prefix like /registry"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(given, message):
    with pytest.raises(EtcdAccessError) as error:
        access_from_settings({"endpoints": "https://etcd:2379", **given})

    assert str(error.value).startswith(message)


def test_a_client_certificate_needs_its_key_and_tls_files_need_https(tmp_path):
    cert = tmp_path / "client.crt"
    cert.write_text("pem")

    with pytest.raises(EtcdAccessError) as half_pair:
        access_from_settings({"endpoints": "https://etcd:2379", "cert_file": str(cert)})
    with pytest.raises(EtcdAccessError) as plain_http:
        access_from_settings({"endpoints": "http://etcd:2379", "ca_file": str(cert)})

    assert half_pair.value.setting == "key_file"
    assert str(plain_http.value) == "endpoints: TLS files are set but an endpoint is not https://"
