"""TLS proven: the simulator serves HTTPS with a certificate made here, signed by a CA made here.

A module (cmr_wallet_info) runs in-process against it, with REQUESTS_CA_BUNDLE and
CURL_CA_BUNDLE set to the system bundle, as on these machines (the system bundle does not
trust the test CA):

* default options: the certificate is refused, in one line naming validate_certs and the CA options;
* ``ca_path`` = the test CA: works, and wins over REQUESTS_CA_BUNDLE;
* REQUESTS_CA_BUNDLE = the test CA (no ca_path): works;
* ``validate_certs: false``: works although both variables are set (so verification is really
  off), and warns;
* ``ca_path`` that does not exist: one line naming ca_path, nothing sent.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import typing as t

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from modrun import in_process, run_module

SYSTEM_BUNDLE = ssl.get_default_verify_paths().openssl_cafile


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(key: t.Any, path: t.Any) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def make_pki(folder: t.Any) -> dict[str, str]:
    """A CA and a server certificate for 127.0.0.1/localhost signed by it (PEM files in ``folder``)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder().subject_name(_name("cmr test CA")).issuer_name(_name("cmr test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca_cert.subject)
        .public_key(server_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server-key.pem"}
    paths["ca"].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    _write_key(server_key, paths["key"])
    return {name: str(path) for name, path in paths.items()}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def https_sim(start_sim: t.Any, pki: dict[str, str]) -> t.Any:
    return start_sim("--tls-cert", pki["cert"], "--tls-key", pki["key"], scheme="https")


@pytest.fixture(autouse=True)
def machine_bundles(monkeypatch: pytest.MonkeyPatch) -> None:
    """What these machines set: both variables point at the system bundle, which does not know the test CA."""
    in_process(monkeypatch)
    assert SYSTEM_BUNDLE, "no system CA bundle found"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", SYSTEM_BUNDLE)
    monkeypatch.setenv("CURL_CA_BUNDLE", SYSTEM_BUNDLE)


def wallet(sim: t.Any, **options: t.Any) -> tuple[int, dict[str, t.Any]]:
    return run_module("cmr_wallet_info", {"api_key": sim.api_key, "api_url": sim.api_url, "api_retries": 0, **options})


def requests_seen(sim: t.Any, pki: dict[str, str]) -> int:
    return len(sim.control("GET", "requests", context=ssl.create_default_context(cafile=pki["ca"])))


def test_simulator_serves_https_only_with_the_test_ca(https_sim: t.Any, pki: dict[str, str]) -> None:
    assert https_sim.api_url.startswith("https://127.0.0.1:")
    assert requests_seen(https_sim, pki) == 0
    with pytest.raises(OSError, match="CERTIFICATE_VERIFY_FAILED"):
        https_sim.control("GET", "state", context=ssl.create_default_context(cafile=SYSTEM_BUNDLE))


def test_untrusted_certificate_fails_in_one_line_naming_the_options(https_sim: t.Any, pki: dict[str, str]) -> None:
    before = requests_seen(https_sim, pki)
    code, result = wallet(https_sim)
    assert code == 1 and result["failed"]
    message = result["msg"]
    assert "\n" not in message
    assert "could not be verified" in message and "CERTIFICATE_VERIFY_FAILED" in message
    for option in ("validate_certs", "ca_path", "REQUESTS_CA_BUNDLE"):
        assert option in message, message
    assert result["status"] is None
    assert requests_seen(https_sim, pki) == before  # the handshake failed: no request reached the API


def test_ca_path_trusts_a_private_ca(https_sim: t.Any, pki: dict[str, str]) -> None:
    code, result = wallet(https_sim, ca_path=pki["ca"])
    assert code == 0, result
    assert result["wallet"]["balance"] == 1000
    assert not result.get("warnings")


def test_ca_path_wins_over_requests_ca_bundle(https_sim: t.Any, pki: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", pki["ca"])
    code, result = wallet(https_sim, ca_path=SYSTEM_BUNDLE)
    assert code == 1 and "could not be verified" in result["msg"]


def test_requests_ca_bundle_trusts_a_private_ca(https_sim: t.Any, pki: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", pki["ca"])
    code, result = wallet(https_sim)
    assert code == 0, result
    assert result["wallet"]["balance"] == 1000


def test_validate_certs_false_really_turns_verification_off_and_warns(https_sim: t.Any, pki: dict[str, str]) -> None:
    before = requests_seen(https_sim, pki)
    code, result = wallet(https_sim, validate_certs=False)
    assert code == 0, result
    assert result["wallet"]["balance"] == 1000
    assert requests_seen(https_sim, pki) == before + 1
    warnings = json.dumps(result.get("warnings"))  # ansible-core 2.19 wraps each warning in an event object
    assert "validate_certs is false" in warnings and https_sim.api_url in warnings, warnings


def test_validate_certs_false_ignores_ca_path(https_sim: t.Any) -> None:
    code, result = wallet(https_sim, validate_certs=False, ca_path=SYSTEM_BUNDLE)
    assert code == 0, result


def test_missing_ca_path_fails_before_any_request(https_sim: t.Any, pki: dict[str, str], tmp_path: t.Any) -> None:
    before = requests_seen(https_sim, pki)
    code, result = wallet(https_sim, ca_path=str(tmp_path / "no-such-ca.pem"))
    assert code == 1
    assert result["msg"].startswith("ca_path ") and "does not exist" in result["msg"] and "\n" not in result["msg"]
    assert requests_seen(https_sim, pki) == before


def test_unusable_requests_ca_bundle_is_one_line(https_sim: t.Any, tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """requests raises a bare OSError (not a RequestException) for a bundle path that does not exist."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "gone.pem"))
    code, result = wallet(https_sim)
    assert code == 1 and "\n" not in result["msg"]
    assert "cannot verify TLS certificates" in result["msg"] and "ca_path" in result["msg"]
