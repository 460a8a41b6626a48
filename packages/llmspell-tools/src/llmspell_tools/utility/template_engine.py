"""template-engine (alias template-creator): render Jinja2 templates in a sandbox.

Jinja2's SandboxedEnvironment blocks attribute tricks (``__class__``, ``mro``) and caps
``range``; rendering runs off the event loop so the tool timeout still applies to slow
templates.
"""

from __future__ import annotations

import re
from collections.abc import Sized
from typing import Any, Literal, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["TemplateEngine", "TemplateParams", "render_template"]

MAX_TEMPLATE_LENGTH = 1_000_000
MAX_OUTPUT_ITEMS = 10_000_000
_HANDLEBARS_BLOCK = re.compile(r"\{\{\s*[#/^>]")


class TemplateParams(ToolParams):
    operation: Literal["render", "validate"] = Field(
        default="render", description="render the template, or only check its syntax"
    )
    template: str = Field(
        max_length=MAX_TEMPLATE_LENGTH,
        description="Jinja2 template, e.g. 'Hello {{ name | title }}!'",
    )
    context: dict[str, Any] = Field(
        default_factory=dict[str, Any], description="values the template refers to"
    )
    engine: Literal["jinja2", "tera", "handlebars", "auto"] = Field(
        default="jinja2",
        description="jinja2 (tera is the same syntax); handlebars only for plain {{var}}",
    )
    strict: bool = Field(default=False, description="an undefined variable is an error")
    autoescape: bool = Field(default=False, description="HTML-escape substituted values")
    trim_blocks: bool = Field(default=True, description="drop the newline after a block tag")


def _size(value: object) -> int:
    return len(cast(Sized, value)) if isinstance(value, str | list | tuple) else 0


def _environment(params: TemplateParams, call: Invocation | None) -> Any:
    """A sandbox whose loops and size-multiplying operators watch the call's deadline."""
    from jinja2 import StrictUndefined, Undefined
    from jinja2.exceptions import SecurityError as SandboxError
    from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

    def bounded_range(*args: int) -> Any:
        values = range(*args)
        if len(values) > MAX_RANGE:
            raise SandboxError(f"range of {len(values)} items is over the {MAX_RANGE} limit")
        for i, value in enumerate(values):
            if call is not None and i % 1024 == 0:
                call.check()
            yield value

    class Environment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if call is not None:
                call.check()
            if operator == "**":
                if isinstance(right, int | float) and abs(right) > 10_000:
                    raise SandboxError(f"exponent {right} is too large")
                return left**right
            if _size(left) * (right if isinstance(right, int) else 1) > MAX_OUTPUT_ITEMS or (
                _size(right) * (left if isinstance(left, int) else 1) > MAX_OUTPUT_ITEMS
            ):
                raise SandboxError(f"'*' would build more than {MAX_OUTPUT_ITEMS} items")
            return left * right

    env = Environment(
        undefined=StrictUndefined if params.strict else Undefined,
        autoescape=params.autoescape,
        trim_blocks=params.trim_blocks,
        lstrip_blocks=params.trim_blocks,
        keep_trailing_newline=True,
    )
    cast(dict[str, Any], env.globals)["range"] = bounded_range
    return env


def render_template(params: TemplateParams, call: Invocation | None = None) -> str:
    """Render, turning template and sandbox errors into ValidationErrors naming the line."""
    import jinja2
    from jinja2.exceptions import SecurityError as SandboxError

    if params.engine == "handlebars" and _HANDLEBARS_BLOCK.search(params.template):
        raise ValidationError(
            "template-engine: handlebars block helpers ({{#each}}, {{/if}}) are not "
            "supported; write the template in Jinja2 syntax ({% for %}, {% if %})",
            details={"field": "engine", "rule": "handlebars_blocks"},
        )
    env = _environment(params, call)
    try:
        template = env.from_string(params.template)
        if params.operation == "validate":
            return ""
        return str(template.render(**params.context))
    except jinja2.TemplateSyntaxError as exc:
        raise ValidationError(
            f"template-engine: syntax error on line {exc.lineno}: {exc.message}",
            details={"field": "template", "rule": "syntax", "line": exc.lineno},
        ) from None
    except SandboxError as exc:
        raise ValidationError(
            f"template-engine: the sandbox refused the template: {exc}",
            details={"field": "template", "rule": "sandbox"},
        ) from None
    except jinja2.UndefinedError as exc:
        raise ValidationError(
            f"template-engine: {exc.message} (strict mode; add it to 'context')",
            details={"field": "context", "rule": "undefined"},
        ) from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ValidationError(
            f"template-engine: rendering failed: {exc}",
            details={"field": "template", "rule": "render"},
        ) from None


class TemplateEngine(BaseTool[TemplateParams]):
    tool_name = "template-engine"
    aliases = ("template-creator",)
    description = (
        "Render a Jinja2 template (variables, filters, loops, conditionals) with a context, "
        "in a sandbox; or validate its syntax."
    )
    tool_category = "utility"
    tags = ("template", "jinja2", "text")
    params_model = TemplateParams
    default_operation = "render"
    timeout_seconds = 10.0
    examples = (
        example("Greeting", template="Hello {{ name | title }}!", context={"name": "ada"}),
        example(
            "Loop",
            template="{% for i in items %}- {{ i }}\n{% endfor %}",
            context={"items": ["a", "b"]},
        ),
        example("Check syntax", operation="validate", template="{% if x %}yes{% endif %}"),
    )

    async def run(self, params: TemplateParams, call: Invocation) -> ToolOutput:
        if params.operation == "validate":
            try:
                await call.to_thread(render_template, params, call)
            except ValidationError as exc:
                result = {"valid": False, "error": exc.message, "line": exc.details.get("line")}
                return call.ok(f"invalid: {exc.message}", result)
            return call.ok("template is valid", {"valid": True, "engine": "jinja2"})
        rendered = await call.to_thread(render_template, params, call)
        rendered = call.limit_text(rendered)
        return call.ok(
            rendered, {"rendered": rendered, "output": rendered, "engine": params.engine}
        )
