"""The two doors a student writes through, driven alike: the web forms and the API.

A test takes the `door` fixture (parametrised "web" and "api") and sends the
same input through each; every door answers an `Outcome` with what a person or
client sees (status, the words shown, the fields named) and what it cost or paid
(the student's Depth points before and after, read from the database).
The fixture lives in tests/assessments/conftest.py.
"""

import html
import re
from dataclasses import dataclass, field

from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User

TAGS = re.compile(r"<[^>]+>")


def page_text(content: bytes) -> str:
    """A page's words without markup, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(TAGS.sub(" ", content.decode())).split())


@dataclass
class Outcome:
    status: int  # web: 302 when the form was accepted, else the page's status; API: the response status
    words: str  # web: the page shown (after the redirect); API: every message in the body
    points: int  # Depth points this request earned
    fields: dict[str, list[str]] = field(default_factory=dict)  # API: the error's fields; web: {}
    body: dict | None = None  # API: the JSON body

    @property
    def accepted(self) -> bool:
        return self.status in (200, 201, 302)


def _balance(user: User) -> int:
    return User.objects.values_list("depth_points", flat=True).get(pk=user.pk)


def _messages(body: object) -> list[str]:
    if isinstance(body, dict):
        return [m for value in body.values() for m in _messages(value)]
    if isinstance(body, list):
        return [m for value in body for m in _messages(value)]
    return [body] if isinstance(body, str) else []


class WebDoor:
    name = "web"

    def __init__(self, user: User):
        self.user = user
        self.client = Client()
        self.client.force_login(user)

    def _post(self, url: str, data: dict) -> Outcome:
        before = _balance(self.user)
        response = self.client.post(url, data, follow=True)
        status = response.redirect_chain[0][1] if response.redirect_chain else response.status_code
        return Outcome(status=status, words=page_text(response.content), points=_balance(self.user) - before)

    def rate(self, slug: str, ratings: dict[str, object]) -> Outcome:
        return self._post(f"/lessons/{slug}/your-turn/snapshot/", {f"rating-{k}": v for k, v in ratings.items()})

    def reflect(self, slug: str, number: int, text: str) -> Outcome:
        return self._post(f"/lessons/{slug}/your-turn/reflections/{number}/", {f"step{number}-text": text})

    def complete(self, slug: str) -> Outcome:
        return self._post(f"/lessons/{slug}/your-turn/complete/", {})

    def answers(self, slug: str, section_id: int, answers: list[tuple[str, str]], clear: bool = False) -> Outcome:
        data = {}
        for n, (text, category) in enumerate(answers, start=1):
            data[f"answer_{n}"] = text
            data[f"category_{n}"] = category
        if clear:
            data["clear"] = "1"
        return self._post(f"/lessons/{slug}/prompts/{section_id}/", data)


class ApiDoor:
    name = "api"

    def __init__(self, user: User):
        self.user = user
        self.client = APIClient()
        self.client.force_authenticate(user)

    def _send(self, method: str, url: str, data: dict | None) -> Outcome:
        before = _balance(self.user)
        response = getattr(self.client, method)(url, data, format="json")
        body = response.json() if response.content else None
        error = body.get("error", {}) if isinstance(body, dict) else {}
        return Outcome(
            status=response.status_code,
            words=" ".join(_messages(body)),
            points=_balance(self.user) - before,
            fields=error.get("fields") or {},
            body=body,
        )

    def rate(self, slug: str, ratings: dict[str, object]) -> Outcome:
        return self._send("post", f"/api/v1/lessons/{slug}/your-turn/snapshots/", {"ratings": ratings})

    def reflect(self, slug: str, number: int, text: str) -> Outcome:
        return self._send("put", f"/api/v1/lessons/{slug}/your-turn/reflections/{number}/", {"text": text})

    def complete(self, slug: str) -> Outcome:
        return self._send("post", f"/api/v1/lessons/{slug}/your-turn/complete/", None)

    def answers(self, slug: str, section_id: int, answers: list[tuple[str, str]], clear: bool = False) -> Outcome:
        items = [{"text": text, "category": category} for text, category in answers]
        return self._send("put", f"/api/v1/lessons/{slug}/prompt-response/",
                          {"section": section_id, "answers": items, "clear": clear})


DOORS = {"web": WebDoor, "api": ApiDoor}
