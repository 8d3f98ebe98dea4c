"""Authors write Markdown; pages get sanitised HTML, rendered once on save."""

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
}


def render_markdown(text: str) -> str:
    """Turn an author's Markdown into HTML that is safe to show as-is.

    Raw HTML in the source is escaped by nh3's allow-list: a `<script>` or an
    `onclick` never reaches a page.
    """
    if not text:
        return ""
    html = md.markdown(text, extensions=["extra", "sane_lists", "smarty"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
