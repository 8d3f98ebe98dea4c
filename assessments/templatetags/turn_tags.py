from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}`: look up a dict entry by a variable key."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.simple_tag
def radar_series(*views_and_labels):
    """JSON for a static radar: `{% radar_series view1 "Label 1" view2 "Label 2" as series %}`."""
    import json

    pairs = zip(views_and_labels[::2], views_and_labels[1::2], strict=False)
    return json.dumps([{"label": str(label), "values": view.values} for view, label in pairs if view])


@register.filter
def labels_json(view):
    import json

    return json.dumps(view.labels if view else [])


@register.filter
def level_text(category, value):
    """The author's descriptor for a rating: the one at or just below `value`."""
    levels = category.level_descriptors or {}
    best = None
    for key, text in levels.items():
        try:
            level = int(key)
        except (TypeError, ValueError):
            continue
        if level <= int(value) and (best is None or level > best[0]):
            best = (level, text)
    return best[1] if best else ""


@register.filter
def levels_json(category):
    import json

    return json.dumps(category.level_descriptors or {})


@register.simple_tag
def comparison_chart(changes, after_label, before_label):
    """Labels and series for the comparison radar, drawn from the per-category changes.

    Both series share the change table's categories, so a category an author
    added or renamed in between lines up with the right values (missing = gap).
    """
    import json

    return {
        "labels": json.dumps([c.name for c in changes]),
        "series": json.dumps([
            {"label": str(after_label), "values": [c.after for c in changes]},
            {"label": str(before_label), "values": [c.before for c in changes]},
        ]),
    }
