"""Idempotency records moved from `accounts` to the API plumbing without losing a row, both ways."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import UserFactory

BEFORE = [("accounts", "0002_idempotency_record"), ("courseplatform", None)]
AFTER = [("accounts", "0003_move_idempotency_record"), ("courseplatform", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def latest():
    """Every app's newest migration: where the test database must be left for the tests after this one."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_records_written_before_the_move_are_there_after_it_and_after_reversing_it():
    user = UserFactory()
    try:
        old_apps = migrate(BEFORE)
        OldRecord = old_apps.get_model("accounts", "IdempotencyRecord")
        OldRecord.objects.create(user_id=user.pk, key="kept", fingerprint="f" * 64, method="POST",
                                 path="/api/v1/x/", response_status=201, response_body="{}", created_at=timezone.now())

        new_apps = migrate(AFTER)
        NewRecord = new_apps.get_model("courseplatform", "IdempotencyRecord")
        assert list(NewRecord.objects.values_list("key", "response_status")) == [("kept", 201)]

        back = migrate(BEFORE).get_model("accounts", "IdempotencyRecord")
        assert list(back.objects.values_list("key", flat=True)) == ["kept"]
    finally:
        # Later migrations of other apps (and of accounts) were unapplied on the way back: restore them all.
        migrate(latest())
