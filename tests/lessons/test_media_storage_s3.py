"""Uploads go to an S3-compatible object store when one is configured (several app servers share no disk).

A local S3-compatible server (moto in server mode, from requirements-dev.txt) is
started on a free port for this module; without it the tests are skipped with
a message saying so.
"""

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing

import pytest
from django.core.files.storage import storages

from courseplatform.settings.base import media_storage
from lessons.models import Section
from tests.lessons.media_files import wav_bytes, wav_upload

pytestmark = pytest.mark.django_db

BUCKET = "softsynced-media-test"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_S3_REGION_NAME": "us-east-1"}


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"S3 storage test skipped: moto[server] is not installed ({exc}); pip install -r requirements-dev.txt")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.skip(f"S3 storage test skipped: the local S3-compatible server (moto) did not start on port {port}.")
            time.sleep(0.2)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3_settings(s3_endpoint, settings, monkeypatch):
    """The environment a production server sets, read by the same settings code."""
    import boto3

    environment = {**CREDENTIALS, "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3_endpoint,
                   "AWS_DEFAULT_ACL": "public-read"}
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}
    yield s3_endpoint
    settings.STORAGES = {**settings.STORAGES}  # storages are rebuilt from settings on change


def test_without_a_bucket_files_stay_on_local_disk(monkeypatch):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    assert media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_an_audio_example_is_stored_in_the_bucket_and_served_from_it(s3_settings, make_lesson, student_client, settings):
    assert type(storages["default"]).__name__ == "S3Storage"
    lesson = make_lesson(sections=0, faqs=0, cards=0)
    section = Section(lesson=lesson, kind=Section.Kind.AUDIO, heading="Dry and compressed",
                      audio_file=wav_upload(), audio_description="The same phrase twice.")
    section.full_clean()
    section.save()

    url = Section.objects.get(pk=section.pk).audio_file.url

    assert url.startswith(f"{s3_settings}/{BUCKET}/lessons/audio/")
    assert "Signature" not in url  # plain URLs: cached pages outlive signed ones
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == wav_bytes()
    assert url in student_client.get(lesson.get_absolute_url()).content.decode()
    assert not (settings.MEDIA_ROOT / "lessons").exists()  # nothing on this server's disk


def test_signed_urls_when_the_bucket_is_private(s3_settings, monkeypatch, settings):
    monkeypatch.setenv("AWS_QUERYSTRING_AUTH", "true")
    monkeypatch.delenv("AWS_DEFAULT_ACL")
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}
    name = storages["default"].save("lessons/audio/private.wav", wav_upload())

    url = storages["default"].url(name)

    assert "Signature=" in url or "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == wav_bytes()
