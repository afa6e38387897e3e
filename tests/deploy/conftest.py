"""deploy/stack/stack.py, the production stack's renderer, with its state in a test's own
directory: what the deploy tests render and run."""

import importlib.util
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def stack(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "gongshi_stack", REPOSITORY / "deploy" / "stack" / "stack.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "STACK", tmp_path)
    return module
