"""Kubeconfig and in-cluster loading through the official client, and one-line errors."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import pytest

from explorer.kube.config import KubeConfigError, in_cluster, load_kubeconfig

from .kubeconfigs import kubeconfig, single, write

TWO_CONTEXTS = kubeconfig(
    {"dev": ("dev-cluster", "dev-user"), "prod": ("prod-cluster", "prod-user")},
    {
        "dev-cluster": {"server": "http://127.0.0.1:6001"},
        "prod-cluster": {"server": "http://127.0.0.1:6002"},
    },
    {"dev-user": {"token": "dev-token"}, "prod-user": {"token": "prod-token"}},
    current="prod",
)


def test_lists_every_context_and_names_the_current_one(tmp_path: Path) -> None:
    config = load_kubeconfig(str(write(tmp_path / "config", TWO_CONTEXTS)))
    assert config.contexts == ["dev", "prod"]
    assert config.current_context == "prod"


def test_each_context_gets_its_own_server_token_and_cluster_name(tmp_path: Path) -> None:
    config = load_kubeconfig(str(write(tmp_path / "config", TWO_CONTEXTS)))
    dev, prod = config.connect("dev"), config.connect()
    assert (dev.name, dev.api_client.configuration.host) == ("dev", "http://127.0.0.1:6001")
    assert (prod.name, prod.api_client.configuration.host) == ("prod", "http://127.0.0.1:6002")
    assert dev.api_client.configuration.api_key["BearerToken"] == "Bearer dev-token"
    assert prod.api_client.configuration.api_key["BearerToken"] == "Bearer prod-token"


def test_kubeconfig_variable_merges_files_and_the_first_file_wins(tmp_path: Path) -> None:
    first = kubeconfig(
        {"shared": ("a", "ua"), "one": ("a", "ua")},
        {"a": {"server": "http://127.0.0.1:7001"}},
        {"ua": {"token": "from-first"}},
        current="one",
    )
    second = kubeconfig(
        {"shared": ("b", "ub"), "two": ("b", "ub")},
        {"b": {"server": "http://127.0.0.1:7002"}},
        {"ub": {"token": "from-second"}},
        current="two",
    )
    paths = [write(tmp_path / "first", first), write(tmp_path / "second", second)]
    config = load_kubeconfig(environ={"KUBECONFIG": ":".join(map(str, paths))})
    assert config.contexts == ["shared", "one", "two"]
    assert config.current_context == "one"  # kubectl: the first file to set it wins
    assert config.connect("shared").api_client.configuration.host == "http://127.0.0.1:7001"
    assert config.connect("two").api_client.configuration.host == "http://127.0.0.1:7002"


def test_a_missing_file_in_the_kubeconfig_list_is_skipped_as_kubectl_does(tmp_path: Path) -> None:
    real = write(tmp_path / "real", TWO_CONTEXTS)
    config = load_kubeconfig(f"{tmp_path / 'absent'}:{real}")
    assert config.files == (str(real),)
    assert config.contexts == ["dev", "prod"]


def test_client_certificate_files_are_found_next_to_the_kubeconfig(tmp_path: Path) -> None:
    for name in ("ca.crt", "client.crt", "client.key"):
        (tmp_path / "certs").mkdir(exist_ok=True)
        (tmp_path / "certs" / name).write_text(f"{name} PEM")
    doc = kubeconfig(
        {"tls": ("c", "u")},
        {"c": {"server": "https://127.0.0.1:6443", "certificate-authority": "certs/ca.crt"}},
        {"u": {"client-certificate": "certs/client.crt", "client-key": "certs/client.key"}},
        current="tls",
    )
    configuration = load_kubeconfig(str(write(tmp_path / "config", doc))).connect().api_client
    configuration = configuration.configuration
    assert configuration.ssl_ca_cert == str(tmp_path / "certs" / "ca.crt")
    assert configuration.cert_file == str(tmp_path / "certs" / "client.crt")
    assert configuration.key_file == str(tmp_path / "certs" / "client.key")


def test_inline_client_certificate_data_is_used(tmp_path: Path) -> None:
    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    doc = kubeconfig(
        {"tls": ("c", "u")},
        {"c": {"server": "https://127.0.0.1:6443", "certificate-authority-data": b64("CA")}},
        {"u": {"client-certificate-data": b64("CERT"), "client-key-data": b64("KEY")}},
        current="tls",
    )
    configuration = load_kubeconfig(str(write(tmp_path / "config", doc))).connect()
    configuration = configuration.api_client.configuration
    assert Path(configuration.ssl_ca_cert).read_text() == "CA"
    assert Path(configuration.cert_file).read_text() == "CERT"
    assert Path(configuration.key_file).read_text() == "KEY"


def test_token_file_becomes_the_bearer_token(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("file-token")
    path = write(tmp_path / "config", single(user={"tokenFile": "token"}))
    configuration = load_kubeconfig(str(path)).connect().api_client.configuration
    assert configuration.api_key["BearerToken"] == "Bearer file-token"


def _exec_user(tmp_path: Path, script: str) -> dict:
    plugin = tmp_path / "plugin.py"
    plugin.write_text(script)
    return {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": sys.executable,
            "args": [str(plugin)],
            "interactiveMode": "Never",
        }
    }


EXEC_PLUGIN = """
import json
print(json.dumps({
    "apiVersion": "client.authentication.k8s.io/v1",
    "kind": "ExecCredential",
    "status": {"token": "token-from-plugin"},
}))
"""


def test_exec_plugin_token_becomes_the_bearer_token(tmp_path: Path) -> None:
    path = write(tmp_path / "config", single(user=_exec_user(tmp_path, EXEC_PLUGIN)))
    configuration = load_kubeconfig(str(path)).connect().api_client.configuration
    assert configuration.get_api_key_with_prefix("BearerToken") == "Bearer token-from-plugin"


def test_in_cluster_uses_the_service_account_token_and_ca(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("sa-token")
    (tmp_path / "ca.crt").write_text("CA PEM")
    environ = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    cluster = in_cluster(str(tmp_path / "token"), str(tmp_path / "ca.crt"), environ)
    configuration = cluster.api_client.configuration
    assert cluster.name == "in-cluster"
    assert configuration.host == "https://10.96.0.1:443"
    assert configuration.ssl_ca_cert == str(tmp_path / "ca.crt")
    assert configuration.get_api_key_with_prefix("BearerToken") == "bearer sa-token"


# ---- everything wrong is one line naming the file ------------------------------------------


def _message(call) -> str:
    with pytest.raises(KubeConfigError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_missing_kubeconfig_says_no_such_file(tmp_path: Path) -> None:
    path = tmp_path / "nope"
    assert _message(lambda: load_kubeconfig(str(path))) == f"{path}: no such file"


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "config", "apiVersion: v1\nkind: Config\ncontexts: [\n  - : :\n")
    assert _message(lambda: load_kubeconfig(str(path))).startswith(f"{path}: not valid YAML (line ")


def test_invalid_yaml_reports_the_exact_line(tmp_path: Path) -> None:
    path = write(tmp_path / "config", "apiVersion: v1\nkind: Config\nclusters: - a\n")
    assert _message(lambda: load_kubeconfig(str(path))) == f"{path}: not valid YAML (line 3)"


def test_an_empty_kubeconfig_says_so(tmp_path: Path) -> None:
    path = write(tmp_path / "config", "")
    assert _message(lambda: load_kubeconfig(str(path))) == f"{path}: empty"


def test_an_unknown_context_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "config", TWO_CONTEXTS)
    config = load_kubeconfig(str(path))
    assert _message(lambda: config.connect("x")) == f"{path}: no context named 'x'"


def test_a_current_context_that_does_not_exist_is_named(tmp_path: Path) -> None:
    doc = dict(TWO_CONTEXTS, **{"current-context": "gone"})
    path = write(tmp_path / "config", doc)
    assert _message(load_kubeconfig(str(path)).connect) == f"{path}: no context named 'gone'"


def test_a_context_naming_an_undefined_user_is_reported(tmp_path: Path) -> None:
    doc = kubeconfig({"a": ("c", "u")}, {"c": {"server": "http://127.0.0.1:1"}}, {}, "a")
    path = write(tmp_path / "config", doc)
    assert _message(load_kubeconfig(str(path)).connect) == (
        f"{path}: context 'a' names user 'u' which is not defined"
    )


def test_a_context_naming_an_undefined_cluster_is_reported(tmp_path: Path) -> None:
    doc = kubeconfig({"a": ("c", "u")}, {}, {"u": {"token": "t"}}, "a")
    path = write(tmp_path / "config", doc)
    assert _message(load_kubeconfig(str(path)).connect) == (
        f"{path}: context 'a' names cluster 'c' which is not defined"
    )


def test_the_error_names_the_file_that_defines_the_broken_context(tmp_path: Path) -> None:
    good = write(tmp_path / "good", TWO_CONTEXTS)
    broken = kubeconfig({"b": ("c", "missing")}, {"c": {"server": "http://127.0.0.1:1"}}, {})
    bad = write(tmp_path / "bad", broken)
    config = load_kubeconfig(f"{good}:{bad}")
    assert _message(lambda: config.connect("b")) == (
        f"{bad}: context 'b' names user 'missing' which is not defined"
    )


def test_a_missing_client_certificate_file_is_named(tmp_path: Path) -> None:
    user = {"client-certificate": "absent.crt", "client-key": "absent.key"}
    path = write(tmp_path / "config", single("https://127.0.0.1:6443", user))
    assert _message(load_kubeconfig(str(path)).connect) == (
        f"{path}: user 'u': client-certificate absent.crt: no such file"
    )


def test_a_failing_exec_plugin_is_one_line(tmp_path: Path) -> None:
    user = _exec_user(tmp_path, "import sys\nsys.exit('no credentials for you')\n")
    path = write(tmp_path / "config", single(user=user))
    assert _message(load_kubeconfig(str(path)).connect) == (
        f"{path}: user 'u': the exec plugin gave no credential"
    )


def test_a_kubeconfig_whose_contexts_are_not_a_list_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "config", "apiVersion: v1\ncontexts: {a: b}\n")
    assert _message(lambda: load_kubeconfig(str(path))) == f"{path}: contexts is not a list"


def test_in_cluster_without_the_service_variables_says_which(tmp_path: Path) -> None:
    assert _message(lambda: in_cluster(environ={})) == (
        "in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set"
    )


def test_in_cluster_without_a_token_file_names_it(tmp_path: Path) -> None:
    environ = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    token = tmp_path / "token"
    assert _message(lambda: in_cluster(str(token), str(tmp_path / "ca"), environ)) == (
        f"{token}: no such file (in-cluster token)"
    )
