"""deploy/nginx.conf: rendered from its template, valid for nginx, and in step with the settings it mirrors."""

import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from deploy.nginx_conf import production
from tests.real_services import nginx_path

CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"


def test_the_committed_configuration_is_the_templates_production_rendering():
    """deploy/nginx.conf.in is the one source: after editing it, `python deploy/nginx_conf.py > deploy/nginx.conf`."""
    assert CONF.read_text() == production()


def test_nginx_accepts_the_configuration(tmp_path):
    nginx = nginx_path()
    write_certificate(tmp_path)
    text = CONF.read_text()
    paths = [
        "/etc/ssl/whodecides",
        "/var/cache/nginx/whodecides",
        "/srv/whodecides/static",
        "/var/log/nginx",
        "/var/lib/nginx",
    ]
    for path in paths:
        text = text.replace(path, str(tmp_path))
    text = text.replace("/run/nginx.pid", str(tmp_path / "nginx.pid")).replace("user www-data;", "")
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    result = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_body_limit_is_the_apps():
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", CONF.read_text()).group(1))
    assert megabytes * 1024 * 1024 == settings.REQUEST_MAX_BYTES


def test_requests_with_the_apps_personal_cookies_skip_the_cache():
    names = re.search(r"\(([\w|]+)\)=", CONF.read_text()).group(1).split("|")
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"} <= set(names)


def write_certificate(directory: Path) -> None:
    """A self-signed certificate where the configuration expects the site's."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "whodecides.example.org")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (directory / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (directory / "privkey.pem").write_bytes(private)
