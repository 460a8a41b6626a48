"""The llmspell script runtime: the language-neutral API layer with Lua and JavaScript engines.

``ScriptRuntime`` runs spells; engines and globals are plugins found through entry points
(``llmspell.engines``, ``llmspell.globals``). Exports load on first use so that importing the
package stays cheap on ``llmspell run``'s start-up path.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmspell_bridge.runtime import ScriptRuntime

__all__ = ["ScriptRuntime", "__version__"]

__version__: str  # read from the distribution metadata on first access

_LAZY = {"ScriptRuntime": "llmspell_bridge.runtime"}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("llmspell-bridge")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'llmspell_bridge' has no attribute {name!r}")
    # No caching in globals(): the ``globals`` subpackage shadows that builtin here.
    return getattr(import_module(module), name)
