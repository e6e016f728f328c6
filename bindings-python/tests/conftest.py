from __future__ import annotations

from pathlib import Path

import pytest

import entitle

REPO = Path(__file__).resolve().parents[2]
CHILD_GRANT = REPO / "examples" / "programs" / "child_grant.entitle"


@pytest.fixture(scope="session")
def child_grant_source() -> str:
    return CHILD_GRANT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def child_grant(child_grant_source: str) -> entitle.Program:
    return entitle.compile(child_grant_source)
