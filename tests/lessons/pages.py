"""Read a page the way a person does: as elements with text, and forms with the values they would send."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}


@dataclass
class Element:
    """One element of a parsed page, enough to ask what a reader would see."""

    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        """The element's text with whitespace collapsed, as a reader sees it."""
        return " ".join(self._raw_text().split())

    def _raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c._raw_text() for c in self.children)

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def select(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> list[Element]:
        """Descendants matching a tag, a class and exact attribute values (`id_` for `id`)."""
        attrs = {name.rstrip("_"): value for name, value in attrs.items()}
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag == tag)
            and (cls is None or cls in el.classes)
            and all(el.attrs.get(name) == value for name, value in attrs.items())
        ]

    def one(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> Element:
        found = self.select(tag, cls=cls, **attrs)
        assert len(found) == 1, f"expected one <{tag or '*'} class={cls} {attrs}>, found {len(found)}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(response_or_html) -> Element:
    """The page as an element tree (accepts a response or an HTML string)."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def form_data(form: Element) -> dict[str, list[str]]:
    """What a browser would submit for `form` as it stands (no submit button pressed)."""
    data: dict[str, list[str]] = {}
    for el in form.iter():
        name = el.attrs.get("name")
        if not name or el.attrs.get("disabled") is not None:
            continue
        if el.tag == "input":
            kind = (el.attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"}:
                if "checked" in el.attrs:
                    data.setdefault(name, []).append(el.attrs.get("value") or "on")
                continue
            data.setdefault(name, []).append(el.attrs.get("value") or "")
        elif el.tag == "textarea":
            # A textarea's first newline is part of the markup, not of the value.
            value = "".join(c for c in el.children if isinstance(c, str))
            data.setdefault(name, []).append(value[1:] if value.startswith("\n") else value)
        elif el.tag == "select":
            options = el.select("option")
            chosen = [o for o in options if "selected" in o.attrs]
            if not chosen and options and "multiple" not in el.attrs:
                chosen = options[:1]
            for option in chosen:
                data.setdefault(name, []).append(option.attrs.get("value", option.text) or "")
    return data
