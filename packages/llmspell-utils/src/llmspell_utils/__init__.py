"""Retry, timeouts, bounded concurrency, safe paths, atomic files, ids and rate limits for llmspell.

Small, dependency-free building blocks shared by providers, tools, workflows and the bridge;
every failure is raised as an ``llmspell_core.errors`` type so it reaches scripts with a code.
"""

from llmspell_core.versioning import lazy_version
from llmspell_utils.atomic import atomic_write_bytes, atomic_write_text
from llmspell_utils.concurrency import concurrent_map
from llmspell_utils.ids import prefixed_id, uuid7, uuid7_unix_ms
from llmspell_utils.jsonutil import dumps_json, loads_json, to_jsonable
from llmspell_utils.paths import ALLOWED_PATHS_KEY, resolve_safe_path
from llmspell_utils.ratelimit import TokenBucket
from llmspell_utils.retry import (
    Jitter,
    RetryEvent,
    RetryOn,
    RetryPolicy,
    backoff_delay,
    is_transient_error,
    rate_limit_retry_after,
    retry_async,
)
from llmspell_utils.timeouts import (
    deadline_after,
    deadline_expired,
    deadline_remaining,
    with_timeout,
)
from llmspell_utils.tomlutil import load_toml, loads_toml

__version__: str  # read from the distribution metadata on first access (see __getattr__)

__all__ = [
    "ALLOWED_PATHS_KEY",
    "Jitter",
    "RetryEvent",
    "RetryOn",
    "RetryPolicy",
    "TokenBucket",
    "__version__",
    "atomic_write_bytes",
    "atomic_write_text",
    "backoff_delay",
    "concurrent_map",
    "deadline_after",
    "deadline_expired",
    "deadline_remaining",
    "dumps_json",
    "is_transient_error",
    "load_toml",
    "loads_json",
    "loads_toml",
    "prefixed_id",
    "rate_limit_retry_after",
    "resolve_safe_path",
    "retry_async",
    "to_jsonable",
    "uuid7",
    "uuid7_unix_ms",
    "with_timeout",
]


__getattr__ = lazy_version(__name__, "llmspell-utils")
