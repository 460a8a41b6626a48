"""``llmspell tool list|info|invoke``: the tool library from the shell.

Tools are found through the core Catalog (entry points), so a third-party pack shows up here
like a built-in one. Errors print one line; an unknown tool or invalid parameters exit 1, bad
command-line usage (unparsable ``--params``, ``-p`` without ``=``) exits 2, a timeout 124
(``reports_errors`` prints llmspell errors as one line with their exit code).
"""

from __future__ import annotations

import asyncio
import builtins
import json
from typing import Any, cast

import click

from llmspell_cli.command_errors import reports_errors
from llmspell_cli.options import config_from_context, config_options
from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import LLMSpellError, TimeoutError
from llmspell_core.tool import Tool

__all__ = ["parse_params", "tool"]


def _config(ctx: click.Context) -> LLMSpellConfig:
    """The configuration ``--config`` / ``--profile`` (here or on ``llmspell``) select."""
    config, _sources = config_from_context(ctx)
    return config


def _catalog(ctx: click.Context) -> Catalog:
    return Catalog(_config(ctx))


def _tool(catalog: Catalog, name: str) -> Tool:
    return catalog.get_tool(name)


def _set_path(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = target
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise click.BadParameter(f"'{dotted}': '{part}' is already a value", param_hint="-p")
        node = cast(dict[str, Any], child)
    node[parts[-1]] = value


def _wants_string(schema: dict[str, Any] | None, dotted: str) -> bool:
    """Whether the schema types the (possibly nested) property ``dotted`` as a string."""
    node: Any = schema
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return False
        properties = cast(dict[str, Any], node).get("properties")
        node = cast(dict[str, Any], properties).get(part) if isinstance(properties, dict) else None
    kind = cast(dict[str, Any], node).get("type") if isinstance(node, dict) else None
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def parse_params(
    params_json: str | None, pairs: tuple[str, ...], schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``--params`` JSON merged with ``-p key=value`` pairs.

    A value is parsed as JSON when it can be (``-p n=3`` is a number, ``-p name=ada`` a string,
    ``a.b=1`` nests) — unless ``schema`` says that parameter is a string, so
    ``-p expression=1`` stays the text ``"1"``.
    """
    params: dict[str, Any] = {}
    if params_json is not None:
        try:
            loaded = json.loads(params_json)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(
                f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                param_hint="--params",
            ) from None
        if not isinstance(loaded, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--params")
        params.update(cast(dict[str, Any], loaded))
    for pair in pairs:
        key, eq, raw = pair.partition("=")
        if not eq or not key:
            raise click.BadParameter(f"'{pair}' is not key=value", param_hint="-p")
        value: Any = raw
        if not _wants_string(schema, key):
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                value = raw
        _set_path(params, key, value)
    return params


def _summary(tool: Tool) -> dict[str, Any]:
    spec = tool.spec
    return {
        "name": spec.name,
        "category": spec.category,
        "version": spec.version,
        "security_level": str(tool.security_level),
        "description": spec.description,
        "tags": list(spec.tags),
    }


@click.group(name="tool")
@config_options
def tool() -> None:
    """List, inspect and run tools.

    Configuration options (``--config``, ``--profile``) go before the subcommand here, since
    ``invoke`` uses ``-p`` for parameters: ``llmspell tool --profile dev invoke calculator
    -p expression=1+1``.

    \b
    Examples:
      llmspell tool list --category utility
      llmspell tool info hash-calculator
      llmspell tool invoke calculator -p expression="2 * (3 + 4)"
    """


@tool.command(name="list")
@click.option("--category", "-c", default=None, help="Only tools of this category.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@reports_errors
def list_tools(ctx: click.Context, category: str | None, as_json: bool) -> None:
    """List the installed tools.

    \b
    Examples:
      llmspell tool list
      llmspell tool list --category filesystem --json
    """
    catalog = _catalog(ctx)
    tools = [t for t in catalog.list_tools() if category is None or t.category == category]
    if category is not None and not tools:
        known = sorted({t.category for t in catalog.list_tools()})
        raise click.BadParameter(
            f"no tools in category '{category}'; categories: {', '.join(known)}",
            param_hint="--category",
        )
    if as_json:
        click.echo(json.dumps([_summary(t) for t in tools], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("name", "category", "security", "description"):
        table.add_column(column, overflow="fold")
    for t in tools:
        table.add_row(t.name, t.category, str(t.security_level), t.spec.description)
    Console(soft_wrap=False).print(table)


@tool.command(name="info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@reports_errors
def info(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show a tool's description, parameter schema and examples.

    \b
    Examples:
      llmspell tool info calculator
      llmspell tool info file-operations --json
    """
    found = _tool(_catalog(ctx), name)
    spec = found.spec
    data = {
        **_summary(found),
        "timeout_seconds": found.timeout_seconds,
        "parameters": spec.parameters,
        "examples": spec.examples,
    }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{spec.name} {spec.version}  [{spec.category}, {found.security_level}]")
    click.echo(spec.description)
    click.echo("\nParameters (JSON Schema):")
    click.echo(json.dumps(spec.parameters, indent=2))
    if spec.examples:
        click.echo("\nExamples:")
        for example in spec.examples:
            title = example.get("description", "")
            call = json.dumps(example.get("params", {}))
            click.echo(f"  # {title}\n  llmspell tool invoke {spec.name} --params '{call}'")


@tool.command(name="invoke")
@click.argument("name")
@click.option("--params", "params_json", default=None, help="Parameters as a JSON object.")
@click.option(
    "-p",
    "--param",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="One parameter (repeatable); VALUE is JSON when it parses, else a string.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the whole result table as JSON.")
@click.option("--timeout", type=float, default=None, help="Seconds before the call is stopped.")
@click.pass_context
@reports_errors
def invoke(
    ctx: click.Context,
    name: str,
    params_json: str | None,
    pairs: tuple[str, ...],
    as_json: bool,
    timeout: float | None,
) -> None:
    """Run a tool once and print its result.

    \b
    Examples:
      llmspell tool invoke uuid-generator
      llmspell tool invoke calculator -p expression="6 * 7"
      llmspell tool invoke hash-calculator --params '{"input": "abc", "algorithm": "md5"}'
    """
    parse_params(params_json, pairs)  # bad command-line usage is reported before the lookup
    catalog = _catalog(ctx)
    found = _tool(catalog, name)
    params = parse_params(params_json, pairs, found.spec.parameters)
    config = catalog.config
    limit = timeout if timeout is not None else config.runtime.timeout_seconds
    context = ExecutionContext.with_timeout(
        limit, config=config, services=catalog, state=catalog.state
    )

    async def run() -> dict[str, Any]:
        try:
            # The tool should honour the deadline itself; this bounds one that does not.
            async with asyncio.timeout(limit):
                return (await found.execute(params, context)).to_script()
        except builtins.TimeoutError as exc:
            if isinstance(exc, LLMSpellError):
                raise
            raise TimeoutError(
                f"{name} did not finish within {limit:g} s (--timeout / [runtime] timeout_seconds)"
            ) from None
        finally:
            await catalog.aclose()

    table = asyncio.run(run())
    if as_json:
        click.echo(json.dumps(table, indent=2, default=str))
    else:
        click.echo(table["text"])
    if not table["success"]:
        error = cast(dict[str, Any], table.get("error") or {})
        click.echo(f"Error: {error.get('message', 'the tool reported a failure')}", err=True)
        ctx.exit(1)
