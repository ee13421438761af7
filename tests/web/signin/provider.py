"""Start the test OpenID Connect provider (``oidc_provider/provider_site.py``) in its own
process on a free port, and talk to its control addresses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SITE = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "permanence-test-client"
CLIENT_SECRET = "a-client-secret-for-the-tests-only"
#: Everyone's password at the test provider.
PASSWORD = "council-password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Provider:
    base: str

    @property
    def issuer(self) -> str:
        return f"{self.base}/o"

    def control(self, what: str, **data: Any) -> dict[str, Any]:
        response = requests.post(f"{self.base}/control/{what}/", json=data, timeout=10)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def person(
        self, username: str, email: str, password: str = PASSWORD, verified: bool = True
    ) -> str:
        """Add a person at the provider; their subject."""
        return str(
            self.control(
                "person", username=username, email=email, password=password, verified=verified
            )["sub"]
        )

    def mode(self, value: str, **extra: str) -> None:
        self.control("mode", value=value, **extra)

    def client(self, *redirect_uris: str) -> None:
        self.control(
            "client",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uris=list(redirect_uris),
            post_logout_redirect_uris=[
                uri.replace("sso/callback/", "login/") for uri in redirect_uris
            ],
        )


@contextmanager
def running_provider(workdir: Path) -> Iterator[Provider]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(SITE),
        "DJANGO_SETTINGS_MODULE": "provider_site",
        "PROVIDER_DATABASE": str(workdir / "provider.sqlite3"),
        "PROVIDER_RSA_KEY": pem,
        "PROVIDER_ISSUER": f"{base}/o",
    }
    env.pop("PERMANENCE_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=workdir
    )
    log = (workdir / "provider.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/o/.well-known/openid-configuration", timeout=2)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the test provider did not start: " + (workdir / "provider.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield Provider(base)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
