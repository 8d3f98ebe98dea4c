"""Without Redis, the local cache keeps the course content however many students send requests."""

from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from courseplatform.api.throttling import WriteRateThrottle


def test_the_local_cache_holds_far_more_than_djangos_default_300_entries():
    options = settings.CACHES["default"].get("OPTIONS", {})
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        return  # Redis has no entry limit of its own here
    assert options["MAX_ENTRIES"] >= 10_000


def a_write(factory: RequestFactory, student_pk: int):
    request = factory.post("/api/v1/x/")
    request.user = type("Student", (), {"pk": student_pk, "is_authenticated": True})()
    return request


@override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK,
                                   "DEFAULT_THROTTLE_RATES": {"api_read": "5/minute", "api_write": "5/minute"}})
def test_rate_counters_of_many_students_never_evict_cached_content(db, monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "timer", staticmethod(lambda: 20_000 * 86_400 + 30.0))  # one window
    content, counters = caches["default"], caches["throttle"]
    content.set("lessons:content:probe", "the course")
    factory = RequestFactory()

    for n in range(1, 3001):  # ten times Django's default cache size, one counter per student
        assert WriteRateThrottle().allow_request(a_write(factory, n), view=None)
    again = WriteRateThrottle()
    again.allow_request(a_write(factory, 1), view=None)

    assert content.get("lessons:content:probe") == "the course"
    assert again.report().remaining == 3  # the first student's counter is still there: this is their second write
    key = f"api_write:user-1:{20_000 * 1440}"  # the window: minutes since the epoch
    assert counters.get(key) == 2  # the counters live in their own cache
    assert content.get(key) is None
