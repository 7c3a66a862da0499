"""Shared fixtures: one real Checker per test session (models load once)."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

SHARED_DATA = Path(os.environ.get("REPLYQA_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))


class _NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """The whole suite runs offline: any attempt to open a network connection fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        host = address[0] if isinstance(address, tuple) else address
        if host in ("127.0.0.1", "::1", "localhost"):  # notebook kernels talk over loopback
            return real_connect(self, address)
        raise _NetworkBlocked(f"replyqa tests must not touch the network (tried {address!r})")

    socket.socket.connect = guarded
    yield
    socket.socket.connect = real_connect


@pytest.fixture(scope="session")
def checker():
    from replyqa import Checker

    return Checker()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "twcs_airlines").is_dir():
        pytest.skip(f"the shared corpora are not here ({SHARED_DATA}); set REPLYQA_SHARED_DATA to run this test")
    return SHARED_DATA
