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


@override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK,
                                   "DEFAULT_THROTTLE_RATES": {"api_read": "5/minute", "api_write": "5/minute"}})
def test_rate_counters_of_many_students_never_evict_cached_content(db):
    content, counters = caches["default"], caches["throttle"]
    content.set("lessons:content:probe", "the course")
    factory = RequestFactory()

    for n in range(1, 3001):  # ten times Django's default cache size, one counter per student
        request = factory.post("/api/v1/x/")
        request.user = type("Student", (), {"pk": n, "is_authenticated": True})()
        assert WriteRateThrottle().allow_request(request, view=None)

    assert content.get("lessons:content:probe") == "the course"
    assert counters.get("throttle_api_write_user-1") is not None  # the counters live in their own cache
    assert content.get("throttle_api_write_user-1") is None
