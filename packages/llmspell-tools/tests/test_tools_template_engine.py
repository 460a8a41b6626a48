"""template-engine / template-creator: rendering, strictness, sandbox and syntax errors."""

from __future__ import annotations

from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import TimeoutError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.template_engine import TemplateEngine


class TestTemplateContract(ToolContract):
    def make_tool(self) -> Tool:
        return TemplateEngine()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"template": "{% if %}"},
            {"template": "{{ x.__class__.__mro__ }}", "context": {"x": 1}},
            {"template": "{{ missing }}", "strict": True},
            {"template": "x", "engine": "mustache"},
        ]


class TestTemplateCreatorContract(TestTemplateContract):
    def make_tool(self) -> Tool:
        return TemplateEngine("template-creator")


async def render(**params: Any) -> Any:
    return await TemplateEngine().execute(params, ExecutionContext())


async def test_variables_filters_loops_conditionals() -> None:
    out = await render(
        template="Hi {{ name | title }}!{% for i in items %} {{ loop.index }}={{ i }}{% endfor %}"
        "{% if vip %} VIP{% endif %}",
        context={"name": "ada lovelace", "items": ["a", "b"], "vip": True},
    )
    assert out.text == "Hi Ada Lovelace! 1=a 2=b VIP"
    assert out.result["rendered"] == out.text
    assert out.metadata["operation"] == "render"


async def test_undefined_is_empty_unless_strict() -> None:
    assert (await render(template="[{{ nope }}]")).text == "[]"
    with pytest.raises(ValidationError) as info:
        await render(template="{{ nope }}", strict=True)
    assert info.value.details["field"] == "context"


async def test_autoescape() -> None:
    out = await render(template="{{ x }}", context={"x": "<b>"}, autoescape=True)
    assert out.text == "&lt;b&gt;"


async def test_sandbox_blocks_attribute_escapes() -> None:
    with pytest.raises(ValidationError) as info:
        await render(template="{{ ''.__class__.__mro__[1].__subclasses__() }}")
    assert info.value.details["rule"] in ("sandbox", "render")
    with pytest.raises(ValidationError):
        await render(template="{{ d.clear() }}", context={"d": {"a": 1}})


async def test_syntax_error_names_the_line() -> None:
    with pytest.raises(ValidationError) as info:
        await render(template="ok\n{% for x in %}")
    assert info.value.details["line"] == 2
    out = await render(operation="validate", template="ok\n{% endif %}")
    assert out.result["valid"] is False
    assert out.result["line"] == 2


async def test_handlebars_plain_vars_work_blocks_do_not() -> None:
    assert (
        await render(template="Hi {{name}}", context={"name": "x"}, engine="handlebars")
    ).text == "Hi x"
    with pytest.raises(ValidationError) as info:
        await render(template="{{#each xs}}{{this}}{{/each}}", engine="handlebars")
    assert info.value.details["field"] == "engine"


async def test_slow_template_hits_the_timeout() -> None:
    ctx = ExecutionContext(
        config=LLMSpellConfig(tools={"template_engine": {"timeout_seconds": 0.2}})
    )
    template = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    with pytest.raises(TimeoutError):
        await TemplateEngine().execute({"template": template}, ctx)


async def test_large_output_is_truncated() -> None:
    ctx = ExecutionContext(
        config=LLMSpellConfig(tools={"template_engine": {"max_output_bytes": 100}})
    )
    out = await TemplateEngine().execute({"template": "{{ 'x' * 1000 }}"}, ctx)
    assert len(out.text) == 100
    assert out.metadata["truncated"] is True
