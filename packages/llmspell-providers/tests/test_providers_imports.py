"""SDKs are imported only when a provider is built, and a missing one names the extra."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import SecretStr

from llmspell_core.errors import MissingExtraError
from llmspell_core.provider import ProviderSettings
from llmspell_providers import AnthropicProvider, OpenAIProvider


def test_importing_the_package_does_not_import_sdks() -> None:
    code = (
        "import sys, llmspell_providers\n"
        "from llmspell_core import registry\n"
        "registry.load('llmspell.providers', 'local')\n"
        "loaded = [m for m in ('openai', 'anthropic', 'httpx', 'httpx2') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("cls", "module"), [(OpenAIProvider, "openai"), (AnthropicProvider, "anthropic")]
)
def test_missing_sdk_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, cls: type[OpenAIProvider | AnthropicProvider], module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError) as info:
        cls(ProviderSettings(name=module, provider_type=module, api_key=SecretStr("k")))
    assert f"pip install 'llmspell-providers[{module}]'" in info.value.message
