"""The safety tests choose their semantic check: none unless a test passes one.

An app built earlier in the same run sets up the process's check (the factory
calls safety.use_semantic); the rule tests must not depend on that."""

import pytest

from fitness_voice.safety import semantic


@pytest.fixture(autouse=True)
def rules_alone():
    previous = semantic._configured.check
    semantic._configured.check = None
    yield
    semantic._configured.check = previous
