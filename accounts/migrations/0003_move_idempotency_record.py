"""IdempotencyRecord now belongs to the API plumbing (`courseplatform`).

State only: the table and its rows stay where they are and are owned by
courseplatform/migrations/0001_initial.py from now on. Reversing gives the
model back to accounts, again without touching the database.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_idempotency_record"),
        ("courseplatform", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
