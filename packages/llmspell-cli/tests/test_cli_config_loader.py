"""load_config: discovery order, layering, LLMSPELL_* overrides, and the error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmspell_cli.configuration import (
    PROFILE_NAMES,
    REDACTED,
    config_table,
    env_overrides,
    load_config,
    parse_env_value,
    profile_data,
)
from llmspell_cli.configuration.toml_lines import line_of_key
from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import ConfigError, UsageError


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fake $HOME with nothing in it, so the real user's config never leaks in."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- discovery ------------------------------------------------------------------------------


def test_no_file_anywhere_gives_the_defaults(home: Path, work: Path) -> None:
    config, sources = load_config(environ={"HOME": str(home)}, cwd=work)
    assert config == LLMSpellConfig()
    assert [s.kind for s in sources] == ["defaults"]


def test_discovery_order_explicit_then_env_then_local_then_user(home: Path, work: Path) -> None:
    explicit = write(work / "explicit.toml", "[runtime]\ntimeout_seconds = 1\n")
    named = write(work / "named.toml", "[runtime]\ntimeout_seconds = 2\n")
    write(work / "llmspell.toml", "[runtime]\ntimeout_seconds = 3\n")
    write(home / ".config" / "llmspell" / "config.toml", "[runtime]\ntimeout_seconds = 4\n")
    env = {"HOME": str(home), "LLMSPELL_CONFIG": str(named)}

    def timeout(**kwargs: object) -> float | None:
        config, _ = load_config(cwd=work, **kwargs)  # type: ignore[arg-type]
        return config.runtime.timeout_seconds

    assert timeout(explicit=explicit, environ=env) == 1
    assert timeout(environ=env) == 2
    assert timeout(environ={"HOME": str(home)}) == 3
    (work / "llmspell.toml").unlink()
    assert timeout(environ={"HOME": str(home)}) == 4


def test_xdg_config_home_wins_over_dot_config(home: Path, work: Path, tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    write(xdg / "llmspell" / "config.toml", 'default_engine = "javascript"\n')
    write(home / ".config" / "llmspell" / "config.toml", 'default_engine = "lua"\n')
    config, sources = load_config(
        environ={"HOME": str(home), "XDG_CONFIG_HOME": str(xdg)}, cwd=work
    )
    assert config.default_engine == "javascript"
    assert sources[-1].path == xdg / "llmspell" / "config.toml"
    assert sources[-1].reason == "user configuration"


def test_relative_path_is_read_from_cwd(home: Path, work: Path) -> None:
    write(work / "conf" / "a.toml", "[runtime]\nmax_memory_mb = 64\n")
    config, _ = load_config(explicit="conf/a.toml", environ={"HOME": str(home)}, cwd=work)
    assert config.runtime.max_memory_mb == 64


@pytest.mark.parametrize(
    ("explicit", "environ_key", "named_by"),
    [("missing.toml", None, "--config"), (None, "LLMSPELL_CONFIG", "LLMSPELL_CONFIG")],
)
def test_a_named_file_that_is_missing_is_a_config_error(
    home: Path, work: Path, explicit: str | None, environ_key: str | None, named_by: str
) -> None:
    environ = {"HOME": str(home)}
    if environ_key:
        environ[environ_key] = "missing.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(explicit=explicit, environ=environ, cwd=work)
    assert "missing.toml" in str(caught.value)
    assert f"named by {named_by} does not exist" in str(caught.value)
    assert caught.value.exit_code == 3


def test_invalid_toml_names_file_and_line(home: Path, work: Path) -> None:
    write(work / "llmspell.toml", "[runtime]\ntimeout_seconds = = 3\n")
    with pytest.raises(ConfigError, match=r"llmspell\.toml:2: invalid TOML"):
        load_config(environ={"HOME": str(home)}, cwd=work)


# -- validation messages --------------------------------------------------------------------


def test_unknown_key_names_file_line_dotted_key_and_known_keys(home: Path, work: Path) -> None:
    write(
        work / "llmspell.toml",
        "default_engine = 'lua'\n\n[runtime.security]\nallow_file_acess = true\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(environ={"HOME": str(home)}, cwd=work)
    message = str(caught.value)
    assert message.startswith("llmspell.toml:4: runtime.security.allow_file_acess: unknown key")
    assert "did you mean allow_file_access" in message
    assert "known keys in [runtime.security]: allow_file_access" in message
    assert caught.value.exit_code == 3


def test_bad_value_names_the_expected_form_and_what_was_found(home: Path, work: Path) -> None:
    write(work / "llmspell.toml", "[runtime]\nmax_memory_mb = 0\n\n[state]\nbackend = 'redis'\n")
    with pytest.raises(ConfigError) as caught:
        load_config(environ={"HOME": str(home)}, cwd=work)
    lines = str(caught.value).splitlines()
    assert lines == [
        "llmspell.toml:2: runtime.max_memory_mb: expected a number greater than 0, got 0",
        "llmspell.toml:5: state.backend: expected one of 'memory' or 'sqlite', got \"redis\"",
    ]
    assert caught.value.details["count"] == 2


def test_provider_keys_are_named_as_written_in_toml(home: Path, work: Path) -> None:
    write(
        work / "llmspell.toml",
        "[providers.groq]\nprovider_type = 'openai'\ntimeout_seconds = 'slow'\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(environ={"HOME": str(home)}, cwd=work)
    assert str(caught.value) == (
        'llmspell.toml:3: providers.groq.timeout_seconds: expected a number, got "slow"'
    )


def test_a_plain_value_in_providers_is_explained(home: Path, work: Path) -> None:
    write(work / "llmspell.toml", "[providers]\nopenai = 'gpt-4o'\n")
    with pytest.raises(ConfigError, match=r"llmspell\.toml:2: providers\.openai: expected a table"):
        load_config(environ={"HOME": str(home)}, cwd=work)


def test_a_secret_in_a_bad_value_is_not_echoed(home: Path, work: Path) -> None:
    write(work / "llmspell.toml", "[providers.openai]\napi_key = 12345\n")
    with pytest.raises(ConfigError) as caught:
        load_config(environ={"HOME": str(home)}, cwd=work)
    assert "12345" not in str(caught.value)
    assert REDACTED in str(caught.value)


def test_an_error_outside_the_cwd_shows_the_absolute_path(home: Path, work: Path) -> None:
    other = write(home / "elsewhere.toml", "bogus = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(explicit=other, environ={"HOME": str(home)}, cwd=work)
    assert str(caught.value).startswith(f"{other}:1: bogus: unknown key")


# -- profiles -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_every_profile_is_valid(name: str, home: Path, work: Path) -> None:
    config, sources = load_config(profile=name, environ={"HOME": str(home)}, cwd=work)
    assert sources[-1].kind == "profile"
    assert sources[-1].name == name
    assert isinstance(config, LLMSpellConfig)


def test_profiles_say_what_they_promise(home: Path, work: Path) -> None:
    env = {"HOME": str(home)}
    assert load_config(profile="local", environ=env, cwd=work)[0].providers.default_provider == (
        "local"
    )
    providers = load_config(profile="providers", environ=env, cwd=work)[0].providers
    assert providers.entries["openai"].api_key_env == "OPENAI_API_KEY"
    assert providers.entries["anthropic"].api_key_env == "ANTHROPIC_API_KEY"
    minimal = load_config(profile="minimal", environ=env, cwd=work)[0]
    assert minimal.providers.entries == {}
    assert minimal.runtime.timeout_seconds == 60
    development = load_config(profile="development", environ=env, cwd=work)[0]
    assert development.runtime.security.allow_file_access is True
    assert development.tool_section("filesystem")["allowed_paths"] == [".", "/tmp"]
    assert "minimal" in PROFILE_NAMES
    assert profile_data("ollama")["providers"]["ollama"]["provider_type"] == "ollama"


def test_profile_overrides_the_file_and_env_overrides_the_profile(home: Path, work: Path) -> None:
    write(work / "llmspell.toml", "[runtime]\ntimeout_seconds = 5\nmax_memory_mb = 99\n")
    env = {"HOME": str(home), "LLMSPELL_RUNTIME__MAX_RECURSION_DEPTH": "50"}
    config, sources = load_config(profile="development", environ=env, cwd=work)
    assert config.runtime.timeout_seconds == 900  # profile beats file
    assert config.runtime.max_memory_mb == 1024
    assert config.runtime.max_recursion_depth == 50  # env beats profile
    assert [s.kind for s in sources] == ["defaults", "file", "profile", "env"]
    env["LLMSPELL_RUNTIME__TIMEOUT_SECONDS"] = "7"
    assert load_config(profile="development", environ=env, cwd=work)[0].runtime.timeout_seconds == 7


def test_unknown_profile_on_the_command_line_is_a_usage_error(home: Path, work: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_config(profile="developement", environ={"HOME": str(home)}, cwd=work)
    assert "unknown profile 'developement' (did you mean development?)" in str(caught.value)
    assert caught.value.exit_code == 2


def test_unknown_profile_in_the_environment_is_a_config_error(home: Path, work: Path) -> None:
    with pytest.raises(ConfigError, match="LLMSPELL_PROFILE: unknown profile 'nope'"):
        load_config(environ={"HOME": str(home), "LLMSPELL_PROFILE": "nope"}, cwd=work)


def test_profile_from_environment(home: Path, work: Path) -> None:
    config, sources = load_config(
        environ={"HOME": str(home), "LLMSPELL_PROFILE": "local"}, cwd=work
    )
    assert config.providers.default_provider == "local"
    assert sources[-1].reason == "LLMSPELL_PROFILE"


# -- environment overrides ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30", 30),
        ("1.5", 1.5),
        ("true", True),
        ('["a", "b"]', ["a", "b"]),
        ('"quoted"', "quoted"),
        ("gpt-4o", "gpt-4o"),
        ("/data/x", "/data/x"),
        ("", ""),
    ],
)
def test_env_values_are_toml_values_or_plain_strings(text: str, value: object) -> None:
    assert parse_env_value(text) == value


def test_env_mapping_uses_double_underscores_and_ignores_other_variables() -> None:
    table, variables = env_overrides(
        {
            "LLMSPELL_RUNTIME__TIMEOUT_SECONDS": "30",
            "LLMSPELL_RUNTIME__SECURITY__ALLOW_FILE_ACCESS": "true",
            "LLMSPELL_PROVIDERS__OPENAI__DEFAULT_MODEL": "gpt-4o",
            "LLMSPELL_DEFAULT_ENGINE": "javascript",
            "LLMSPELL_CONFIG": "x.toml",
            "LLMSPELL_PLUGINS": "",
            "LLMSPELL_OPENAI_API_KEY": "sk-ignored",
            "PATH": "/bin",
        }
    )
    assert table == {
        "runtime": {"timeout_seconds": 30, "security": {"allow_file_access": True}},
        "providers": {"openai": {"default_model": "gpt-4o"}},
        "default_engine": "javascript",
    }
    assert variables["runtime.timeout_seconds"] == "LLMSPELL_RUNTIME__TIMEOUT_SECONDS"


def test_env_overrides_apply_and_are_validated(home: Path, work: Path) -> None:
    env = {
        "HOME": str(home),
        "LLMSPELL_PROVIDERS__OPENAI__DEFAULT_MODEL": "gpt-4o",
        "LLMSPELL_TOOLS__FILESYSTEM__ALLOWED_PATHS": '["/data"]',
    }
    config, sources = load_config(environ=env, cwd=work)
    assert config.providers.entries["openai"].default_model == "gpt-4o"
    assert config.tool_section("filesystem") == {"allowed_paths": ["/data"]}
    assert sources[-1].kind == "env"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "LLMSPELL_RUNTIME__TIMEOUT_SECONDS",
            "soon",
            "environment variable LLMSPELL_RUNTIME__TIMEOUT_SECONDS: runtime.timeout_seconds: "
            'expected a number, got "soon"',
        ),
        (
            "LLMSPELL_RUNTIME__TIMEOUT",
            "3",
            "environment variable LLMSPELL_RUNTIME__TIMEOUT: runtime.timeout: unknown key "
            "(did you mean timeout_seconds?)",
        ),
        (
            "LLMSPELL_RUNTIME__SECURITY__ALLOW_FILE_ACCESS",
            "maybe",
            "environment variable LLMSPELL_RUNTIME__SECURITY__ALLOW_FILE_ACCESS: "
            'runtime.security.allow_file_access: expected true or false, got "maybe"',
        ),
    ],
)
def test_bad_env_values_name_the_variable(
    home: Path, work: Path, variable: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(environ={"HOME": str(home), variable: value}, cwd=work)
    assert str(caught.value).startswith(expected)


def test_env_variable_with_an_empty_segment_is_refused() -> None:
    with pytest.raises(ConfigError, match="empty key segment"):
        env_overrides({"LLMSPELL_RUNTIME____X": "1"})


# -- redaction ------------------------------------------------------------------------------


def test_config_table_redacts_secrets_but_not_variable_names(home: Path, work: Path) -> None:
    write(
        work / "llmspell.toml",
        "[providers.openai]\napi_key = 'sk-secret'\napi_key_env = 'OPENAI_API_KEY'\n"
        "[tools.github]\ntoken = 'ghp-secret'\nmax_tokens = 5\n",
    )
    config, _ = load_config(environ={"HOME": str(home)}, cwd=work)
    table = config_table(config)
    assert table["providers"]["openai"]["api_key"] == REDACTED
    assert table["providers"]["openai"]["api_key_env"] == "OPENAI_API_KEY"
    assert table["tools"]["github"] == {"token": REDACTED, "max_tokens": 5}
    assert "sk-secret" not in repr(table)
    assert config_table(config, redact=False)["providers"]["openai"]["api_key"] == "sk-secret"


def test_line_of_key_handles_headers_dotted_keys_and_inline_tables() -> None:
    text = (
        "a = 1\n"
        "runtime.timeout_seconds = 3\n"
        "[providers]\n"
        "openai = { timeout_seconds = 0 }\n"
        "[tools.filesystem]\n"
        "\n"
        '"allowed_paths" = []\n'
    )
    assert line_of_key(text, "a") == 1
    assert line_of_key(text, "runtime.timeout_seconds") == 2
    assert line_of_key(text, "providers.openai.timeout_seconds") == 4
    assert line_of_key(text, "tools.filesystem.allowed_paths") == 7
    assert line_of_key(text, "tools.filesystem") == 5
    assert line_of_key(text, "nowhere.at_all") is None
