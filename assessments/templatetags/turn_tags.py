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
