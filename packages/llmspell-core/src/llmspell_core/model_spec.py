"""``provider/model[@base_url]`` strings, parsed once (architecture §5)."""

from __future__ import annotations

from urllib.parse import urlparse

from pydantic import BaseModel

from llmspell_core.errors import ValidationError

__all__ = ["ModelSpec"]


class ModelSpec(BaseModel):
    provider: str | None
    model: str | None
    base_url: str | None = None

    @classmethod
    def parse(cls, text: str) -> ModelSpec:
        """Split on the first ``/`` (model names may contain more); ``@`` adds a base URL.

        ``"gpt-4o-mini"`` has no provider: the default provider applies.
        """
        raw = text.strip()
        if not raw:
            raise ValidationError(
                "model spec is empty; use 'provider/model', e.g. 'openai/gpt-4o-mini'"
            )
        base_url: str | None = None
        at = raw.find("@")
        if at != -1 and "://" in raw[at:]:
            raw, base_url = raw[:at], raw[at + 1 :]
            parsed = urlparse(base_url)
            if parsed.scheme not in {"http", "https"} or not parsed.netloc:
                raise ValidationError(
                    f"model spec '{text}' has an invalid base URL '{base_url}' after '@' "
                    "(expected http(s)://host[:port][/path])"
                )
        if "/" in raw:
            provider, model = raw.split("/", 1)
            if not provider:
                raise ValidationError(f"model spec '{text}' has an empty provider before '/'")
            return cls(provider=provider, model=model or None, base_url=base_url)
        return cls(provider=None, model=raw, base_url=base_url)

    def __str__(self) -> str:
        text = f"{self.provider}/{self.model or ''}" if self.provider else (self.model or "")
        return f"{text}@{self.base_url}" if self.base_url else text
