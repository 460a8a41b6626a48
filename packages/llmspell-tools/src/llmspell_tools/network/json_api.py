"""JSON bodies of API calls: requests that leave out what was not given, answers that must parse.

Most service APIs (Slack, GraphQL endpoints, GitHub) take a JSON object whose optional fields
are simply absent, and answer with a JSON object; a body that does not parse is the service
failing, reported with the status and a scrubbed excerpt of what came back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from llmspell_core.errors import ToolError
from llmspell_tools.network.client import HttpResponse
from llmspell_tools.network.secrets import redact_text

__all__ = ["given", "json_answer"]


def given(**fields: Any) -> dict[str, Any]:
    """The fields that have a value: an API body without ``null`` for every unused option."""
    return {name: value for name, value in fields.items() if value is not None}


def json_answer(
    response: HttpResponse, *, tool: str, service: str, secrets: Iterable[str | None]
) -> Any:
    """The parsed body, or a ToolError (``HTTP_<status>``) quoting the start of the body."""
    try:
        return response.json()
    except ValueError:
        raise ToolError(
            f"{tool}: {service} answered HTTP {response.status_code} with a non-JSON body: "
            f"{redact_text(response.text[:200], secrets)}",
            code=f"HTTP_{response.status_code}",
            details={"status_code": response.status_code},
        ) from None
