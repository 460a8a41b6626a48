from __future__ import annotations

import builtins

import pytest

from llmspell_core import errors


def test_codes_and_exit_codes() -> None:
    assert errors.ConfigError("x").exit_code == 3
    assert errors.UsageError("x").exit_code == 2
    assert errors.TimeoutError("x").exit_code == 124
    assert errors.CancelledError("x").exit_code == 130
    assert errors.ToolError("x").exit_code == 1
    assert errors.RateLimitError("slow down", retry_after=2.5).retry_after == 2.5
    assert errors.AuthError("no").code == "AUTH_FAILED"
    assert isinstance(errors.AuthError("no"), errors.ProviderError)


def test_timeout_is_also_the_builtin() -> None:
    with pytest.raises(builtins.TimeoutError):
        raise errors.TimeoutError("late")


def test_script_error_location() -> None:
    err = errors.ScriptError("attempt to call a nil value", file="spell.lua", line=12)
    assert str(err) == "spell.lua:12: attempt to call a nil value"
    assert str(errors.ScriptError("x")) == "x"


def test_missing_extra_names_command() -> None:
    err = errors.MissingExtraError(
        "the lua engine", distribution="llmspell-bridge", extra="lua", module="lupa"
    )
    assert err.install_command == "pip install 'llmspell-bridge[lua]'"
    assert "lupa" in str(err)
    assert isinstance(err, ImportError)


def test_to_dict_carries_details() -> None:
    err = errors.ValidationError("bad", details={"field": "x"})
    assert err.to_dict() == {"message": "bad", "code": "VALIDATION_ERROR", "field": "x"}
