"""xml-processor: safe parsing (XXE, entity bombs, external schemas), XPath, XSD, JSON both ways."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data.xml_processor import XmlProcessor

BOOKS = """<?xml version="1.0"?>
<library xmlns:dc="http://purl.org/dc/elements/1.1/">
  <book id="1" year="1965"><dc:title>Dune</dc:title><price>9.5</price></book>
  <book id="2" year="1815"><dc:title>Emma</dc:title><price>4</price></book>
</library>
"""

XSD = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="order">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="qty" type="xs:positiveInteger"/>
      </xs:sequence>
      <xs:attribute name="id" type="xs:string" use="required"/>
    </xs:complexType>
  </xs:element>
</xs:schema>"""


class TestXmlContract(ToolContract):
    def make_tool(self) -> Tool:
        return XmlProcessor()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"content": "<a><b></a>"},
            {"operation": "xpath", "content": "<a/>"},  # no query
            {"operation": "xpath", "content": "<a/>", "query": "//["},
            {"operation": "validate", "content": "<a/>"},  # no schema
            {"operation": "from_json", "data": {"a": 1, "b": 2}},  # two roots
            {"operation": "nope", "content": "<a/>"},
        ]


async def xp(config: LLMSpellConfig | None = None, **params: Any) -> Any:
    ctx = ExecutionContext(config=config) if config is not None else ExecutionContext()
    return await XmlProcessor().execute(params, ctx)


async def test_parse_summarises() -> None:
    out = await xp(content=BOOKS)
    assert out.result["root"] == "library"
    assert out.result["element_count"] == 7
    assert out.result["children"] == 2
    assert out.result["namespaces"] == {"dc": "http://purl.org/dc/elements/1.1/"}


async def test_syntax_error_names_line() -> None:
    with pytest.raises(ValidationError) as info:
        await xp(content="<a>\n<b>\n</a>")
    assert info.value.details["line"] == 3
    assert "<content>:3:" in info.value.message


async def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xxe = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>'
    for operation in ("parse", "to_json", "format"):
        with pytest.raises(ValidationError) as info:
            await xp(operation=operation, content=xxe)
        assert info.value.details["rule"] == "entities"
        assert "TOP-SECRET" not in info.value.message


async def test_entity_bomb_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        "<lolz>&lol3;</lolz>"
    )
    with pytest.raises(ValidationError) as info:
        await xp(operation="xpath", content=bomb, query="string(/lolz)")
    assert info.value.details["rule"] == "entities"


async def test_external_dtd_is_not_fetched() -> None:
    doc = '<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/never.dtd"><r>ok</r>'
    out = await xp(operation="xpath", content=doc, query="string(/r)")
    assert out.result["value"] == "ok"


async def test_xpath_elements_text_attributes_numbers() -> None:
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    titles = await xp(operation="xpath", content=BOOKS, query="//dc:title/text()", namespaces=ns)
    assert titles.result == {"results": ["Dune", "Emma"], "count": 2}
    assert titles.text == "Dune\nEmma"
    old = await xp(operation="xpath", content=BOOKS, query="//book[@year < 1900]")
    element = old.result["results"][0]
    assert element["tag"] == "book"
    assert element["attributes"] == {"id": "2", "year": "1815"}
    assert element["xml"].startswith("<book ")
    assert element["xml"].endswith("<dc:title>Emma</dc:title><price>4</price></book>")
    total = await xp(operation="xpath", content=BOOKS, query="sum(//price)")
    assert total.result["value"] == 13.5
    none = await xp(operation="xpath", content=BOOKS, query="//magazine")
    assert none.result == {"results": [], "count": 0}
    assert none.text == "no match"


async def test_xpath_rows_are_bounded() -> None:
    doc = "<r>" + "<i>x</i>" * 30 + "</r>"
    config = LLMSpellConfig(tools={"xml_processor": {"max_rows": 5}})
    out = await xp(config, operation="xpath", content=doc, query="//i/text()")
    assert out.result["count"] == 30
    assert len(out.result["results"]) == 5
    assert out.metadata["truncated"] is True


async def test_validate_with_xsd() -> None:
    good = await xp(operation="validate", content='<order id="a"><qty>3</qty></order>', schema=XSD)
    assert good.result == {"valid": True, "errors": []}
    bad = await xp(operation="validate", content="<order><qty>-1</qty></order>", schema=XSD)
    assert bad.result["valid"] is False
    messages = " ".join(e["message"] for e in bad.result["errors"])
    assert "qty" in messages
    assert "id" in messages
    assert bad.result["errors"][0]["line"] == 1


async def test_xsd_from_file_and_broken_xsd(tmp_path: Path) -> None:
    (tmp_path / "order.xsd").write_text(XSD, encoding="utf-8")
    config = LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(tmp_path)]}})
    out = await xp(
        config,
        operation="validate",
        content='<order id="x"><qty>1</qty></order>',
        schema_path=str(tmp_path / "order.xsd"),
    )
    assert out.result["valid"] is True
    with pytest.raises(ValidationError) as info:
        await xp(operation="validate", content="<a/>", schema="<notaschema/>")
    assert info.value.details["rule"] == "xsd"


async def test_xsd_imports_are_refused(tmp_path: Path) -> None:
    (tmp_path / "inc.xsd").write_text(XSD, encoding="utf-8")
    xsd = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:include schemaLocation="file://{tmp_path / "inc.xsd"}"/></xs:schema>'
    )
    with pytest.raises(ValidationError) as info:
        await xp(operation="validate", content="<order/>", schema=xsd)
    assert info.value.details["rule"] == "external_resource"


async def test_to_json_and_back() -> None:
    out = await xp(operation="to_json", content=BOOKS)
    data = out.result["data"]
    books = data["library"]["book"]
    assert [b["@id"] for b in books] == ["1", "2"]
    assert books[0]["dc:title"] == "Dune"
    assert json.loads(out.text) == data
    xml = await xp(operation="from_json", data={"order": {"@id": "7", "qty": "2"}})
    assert '<order id="7">' in xml.text
    round_trip = await xp(operation="to_json", content=xml.result["xml"])
    assert round_trip.result["data"] == {"order": {"@id": "7", "qty": "2"}}
    with pytest.raises(ValidationError):  # a bare list has no element name for its items
        await xp(operation="from_json", content='["a", "b"]', root="items")


async def test_list_root_needs_a_wrapper() -> None:
    with pytest.raises(ValidationError) as info:
        await xp(operation="from_json", data={"item": [1, 2]})
    assert info.value.details["field"] == "root"
    out = await xp(operation="from_json", data={"item": [1, 2]}, root="items", pretty=False)
    assert "<items><item>1</item><item>2</item></items>" in out.text


async def test_format_pretty_prints() -> None:
    out = await xp(operation="format", content="<a><b>1</b><c/></a>")
    assert out.text == "<a>\n  <b>1</b>\n  <c/>\n</a>\n"


async def test_files_must_be_inside_allowed_roots(tmp_path: Path) -> None:
    config = LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(tmp_path)]}})
    (tmp_path / "a.xml").write_text("<a>1</a>", encoding="utf-8")
    out = await xp(config, path=str(tmp_path / "a.xml"))
    assert out.result["root"] == "a"
    with pytest.raises(SecurityError):
        await xp(config, path="/etc/hostname")
