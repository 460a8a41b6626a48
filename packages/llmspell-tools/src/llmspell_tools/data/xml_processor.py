"""xml-processor: parse XML safely, query it with XPath, validate it with XSD, convert to/from JSON.

Untrusted XML is the classic way into a parser: external entities read local files or reach the
network, nested entities expand into gigabytes. lxml is used with entity resolution, DTD
loading and network access off and every external resource refused; documents that declare
entities at all are refused, like defusedxml does. JSON conversion uses xmltodict's convention
(``@attr``, ``#text``, repeated elements as lists), which also refuses entity declarations.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.data._values import plain, text_input
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example

#: lxml ships no type information; its elements are handled as ``Any``.
Element = Any

__all__ = ["XmlProcessor", "XmlProcessorParams", "XmlProcessorSettings"]


class XmlProcessorSettings(ToolSettings):
    #: ``[tools.xml_processor] max_input_bytes``: largest XML/XSD/JSON text read.
    max_input_bytes: int = Field(default=20 * 1024 * 1024, gt=0)


class XmlProcessorParams(ToolParams):
    operation: Literal["parse", "xpath", "validate", "to_json", "from_json", "format"] = Field(
        default="parse",
        description="parse: check and summarise; xpath: query; validate: against an XSD; "
        "to_json / from_json: convert; format: pretty-print",
    )
    content: str | None = Field(default=None, description="the XML (from_json: JSON) text")
    path: str | None = Field(default=None, description="a file to read instead of 'content'")
    query: str | None = Field(default=None, description="xpath: the XPath 1.0 expression")
    namespaces: dict[str, str] | None = Field(
        default=None, description="xpath: prefix -> namespace URI used in the expression"
    )
    schema_: str | None = Field(
        default=None, alias="schema", description="validate: the XSD document text"
    )
    schema_path: str | None = Field(default=None, description="validate: an XSD file instead")
    data: Any = Field(default=None, description="from_json: the value to turn into XML")
    root: str | None = Field(
        default=None, description="from_json: root element name wrapping 'data' (when needed)"
    )
    pretty: bool = Field(default=True, description="from_json/format: indent the output")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {"xpath": ("query",)}


def _etree() -> Any:
    return import_optional(
        "lxml.etree", what="xml-processor", distribution="llmspell-tools", extra="data"
    )


def _safe_parser() -> Any:
    etree = _etree()

    class _RefuseAll(etree.Resolver):
        """Every external resource (DTD, entity, xsd:import) is refused."""

        def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
            raise ValidationError(
                f"xml-processor: external resource refused: {url or pubid}",
                details={"field": "content", "rule": "external_resource", "url": url},
            )

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    parser.resolvers.add(_RefuseAll())
    return parser


def parse_xml(text: str, source: str, field: str = "content") -> Element:
    """``text`` parsed safely; syntax errors name ``source:line:column``; entities refused."""
    etree = _etree()
    try:
        root: Element = etree.fromstring(text.encode("utf-8"), _safe_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise ValidationError(
            f"xml-processor: {source}:{line}:{column}: {exc.msg}",
            details={"field": field, "rule": "xml", "line": line, "column": column},
        ) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ValidationError(
            f"xml-processor: {source}: entity declarations are refused (they can read files "
            "or expand without bound)",
            details={"field": field, "rule": "entities"},
        )
    return root


_XSD = "http://www.w3.org/2001/XMLSchema"
_XSD_REFERENCES = ("include", "import", "redefine", "override")


def _refuse_external_schemas(xsd_root: Element) -> None:
    """Refuse xs:include/import/redefine/override that would load another schema document."""
    for kind in _XSD_REFERENCES:
        for element in xsd_root.iter(f"{{{_XSD}}}{kind}"):
            location = element.get("schemaLocation")
            if location:
                raise ValidationError(
                    f"xml-processor: the XSD's xs:{kind} of '{location}' is refused: schemas "
                    "must be self-contained (no external files or URLs)",
                    details={"field": "schema", "rule": "external_resource", "url": location},
                )


def _xpath_value(value: Any, etree: Any) -> Any:
    if isinstance(value, etree._Element):
        element: Element = value
        if not isinstance(element.tag, str):  # comment / processing instruction / entity
            return etree.tostring(element, encoding="unicode")
        return {
            "tag": etree.QName(element).localname,
            "namespace": etree.QName(element).namespace,
            "text": (element.text or "").strip() or None,
            "attributes": {str(k): str(v) for k, v in element.attrib.items()},
            "xml": etree.tostring(element, encoding="unicode", with_tail=False),
        }
    if isinstance(value, bool | float | int):
        return plain(value)
    return str(value)  # text nodes and attribute values (smart strings)


def _to_json(text: str, source: str) -> Any:
    import xmltodict

    try:
        return xmltodict.parse(text, disable_entities=True)
    except ValueError as exc:  # entity declarations
        raise ValidationError(
            f"xml-processor: {source}: {exc}", details={"field": "content", "rule": "entities"}
        ) from None


def _from_json(value: Any, root: str | None, pretty: bool) -> str:
    import xmltodict

    if root is not None:
        value = {root: value}
    if not isinstance(value, dict) or len(cast(dict[str, Any], value)) != 1:
        raise ValidationError(
            "xml-processor: from_json needs an object with exactly one key (the root element), "
            "or pass 'root' to wrap the data",
            details={"field": "root", "rule": "single_root"},
        )
    key, inner = next(iter(cast(dict[str, Any], value).items()))
    if isinstance(inner, list):
        raise ValidationError(
            f"xml-processor: the root '{key}' holds a list; pass 'root' to wrap it",
            details={"field": "root", "rule": "single_root"},
        )
    try:
        out: str = xmltodict.unparse(cast(dict[str, Any], value), pretty=pretty, indent="  ")
    except ValueError as exc:
        raise ValidationError(
            f"xml-processor: cannot express this value as XML: {exc}",
            details={"field": "data", "rule": "xml"},
        ) from None
    return out


class XmlProcessor(BaseTool[XmlProcessorParams]):
    tool_name = "xml-processor"
    description = (
        "Parse XML safely (no external entities or network), query it with XPath, validate "
        "it against an XSD schema, pretty-print it, or convert XML to JSON and back "
        "('@attr' for attributes, '#text' for text)."
    )
    tool_category = "data"
    tags = ("xml", "xpath", "xsd", "json", "convert")
    params_model = XmlProcessorParams
    settings_model = XmlProcessorSettings
    security_level = SecurityLevel.RESTRICTED  # reads files inside the allowed roots
    timeout_seconds = 15.0
    examples = (
        example("Check and summarise", content="<books><book id='1'>Dune</book></books>"),
        example(
            "XPath",
            operation="xpath",
            content="<books><book id='1'>Dune</book><book id='2'>Emma</book></books>",
            query="//book[@id='2']/text()",
        ),
        example("XML to JSON", operation="to_json", content="<a x='1'><b>hi</b><b>there</b></a>"),
        example("JSON to XML", operation="from_json", data={"a": {"@x": "1", "b": ["hi", "yo"]}}),
    )

    async def run(self, params: XmlProcessorParams, call: Invocation) -> ToolOutput:
        return await call.to_thread(self._run, params, call)

    def _run(self, params: XmlProcessorParams, call: Invocation) -> ToolOutput:
        limit = cast(XmlProcessorSettings, call.settings).max_input_bytes
        op = params.operation
        if op == "from_json":
            return self._from_json(params, call, limit)
        text, source = text_input(call, params.content, params.path, limit=limit)
        root = parse_xml(text, source)
        etree = _etree()
        match op:
            case "parse":
                count = sum(1 for e in root.iter() if isinstance(e.tag, str))
                name = etree.QName(root).localname
                summary = {
                    "root": name,
                    "namespace": etree.QName(root).namespace,
                    "namespaces": {k or "": v for k, v in root.nsmap.items()},
                    "attributes": {str(k): str(v) for k, v in root.attrib.items()},
                    "element_count": count,
                    "children": len(root),
                }
                return call.ok(f"well-formed XML: <{name}> with {count} element(s)", summary)
            case "xpath":
                return self._xpath(root, params, call)
            case "validate":
                return self._validate(root, params, call, limit)
            case "to_json":
                data = plain(_to_json(text, source))
                out = call.limit_text(json.dumps(data, indent=2, ensure_ascii=False))
                return call.ok(out, {"data": data, "json": out})
            case _:  # format
                out = etree.tostring(root, encoding="unicode", pretty_print=params.pretty)
                out = call.limit_text(out)
                return call.ok(out, {"xml": out})

    def _xpath(self, root: Element, params: XmlProcessorParams, call: Invocation) -> Any:
        etree = _etree()
        try:
            found: Any = root.xpath(params.query or "", namespaces=params.namespaces or {})
        except etree.XPathError as exc:
            raise ValidationError(
                f"xml-processor: invalid XPath '{params.query}': {exc}",
                details={"field": "query", "rule": "xpath"},
            ) from None
        if isinstance(found, list):
            items = call.limit_rows(cast(list[Any], found))
            values: list[Any] = [_xpath_value(v, etree) for v in items]
            shown = [
                str(cast(dict[str, Any], v)["xml"]) if isinstance(v, dict) else str(v)
                for v in values
            ]
            text = "\n".join(shown) if values else "no match"
            return call.ok(text, {"results": values, "count": len(cast(list[Any], found))})
        value = _xpath_value(found, etree)
        return call.ok(str(value), {"results": [value], "count": 1, "value": value})

    def _validate(
        self, root: Element, params: XmlProcessorParams, call: Invocation, limit: int
    ) -> ToolOutput:
        etree = _etree()
        if (params.schema_ is None) == (params.schema_path is None):
            raise ValidationError(
                "xml-processor: validate needs 'schema' (XSD text) or 'schema_path' (a file)",
                details={"field": "schema", "rule": "required"},
            )
        xsd_text, xsd_source = text_input(
            call, params.schema_, params.schema_path, limit=limit, what="XSD schema"
        )
        xsd_root = parse_xml(xsd_text, xsd_source, field="schema")
        _refuse_external_schemas(xsd_root)
        try:
            schema = etree.XMLSchema(xsd_root)
        except etree.XMLSchemaParseError as exc:
            raise ValidationError(
                f"xml-processor: the XSD schema is invalid: {exc}",
                details={"field": "schema", "rule": "xsd"},
            ) from None
        valid = bool(schema.validate(root))
        errors = [
            {"line": e.line, "column": e.column, "message": e.message, "path": e.path}
            for e in call.limit_rows(list(schema.error_log))
        ]
        text = "valid" if valid else f"{len(errors)} error(s): {errors[0]['message']}"
        return call.ok(text, {"valid": valid, "errors": errors})

    def _from_json(self, params: XmlProcessorParams, call: Invocation, limit: int) -> ToolOutput:
        if "data" in params.model_fields_set:
            value = params.data
        else:
            text, source = text_input(call, params.content, params.path, limit=limit)
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValidationError(
                    f"xml-processor: {source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}",
                    details={"field": "content", "rule": "json", "line": exc.lineno},
                ) from None
        out = call.limit_text(_from_json(value, params.root, params.pretty))
        return call.ok(out, {"xml": out})
