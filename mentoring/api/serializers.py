"""Serializers for cohorts, sharing and feedback: separate ones for what is read and what is written.

Write serializers only check the shape; the services hold the rules.
"""

from rest_framework import serializers

from assessments.api.serializers import TextField


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The person's display name.")


class CohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    mentors = PersonSerializer(many=True)
    members = serializers.IntegerField(help_text="Current members, me included.")
    joined_at = serializers.DateTimeField(help_text="When I joined.")


class JoinWriteSerializer(serializers.Serializer):
    code = TextField(help_text="The cohort's invite code (the last part of the invite link).")


class ShareSerializer(serializers.Serializer):
    with_mentors = serializers.BooleanField(help_text="My cohorts' mentors may read this attempt and give feedback.")
    with_peers = serializers.BooleanField(help_text="My cohort peers may read this attempt and comment.")


class AttemptSharingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lesson = serializers.CharField(help_text="The lesson's slug.")
    lesson_title = serializers.CharField()
    number = serializers.IntegerField(help_text="1 for the first attempt at this Your Turn, 2 for the retake, …")
    started_at = serializers.DateTimeField()
    share = ShareSerializer()


class ShareWriteSerializer(serializers.Serializer):
    with_mentors = serializers.BooleanField(required=True)
    with_peers = serializers.BooleanField(required=True)


class ReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class FeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    attempt = serializers.IntegerField(help_text="The id of my attempt the comment is on.")
    lesson = serializers.CharField(help_text="The lesson's slug.")
    author = PersonSerializer()
    role = serializers.ChoiceField(choices=["mentor", "peer"])
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    reply = ReplySerializer(allow_null=True, help_text="My one reply, or null.")


class ReplyWriteSerializer(serializers.Serializer):
    text = TextField()


class ReportWriteSerializer(serializers.Serializer):
    reason = TextField(required=False, help_text="Optional: what is wrong with the comment.")


class ReportSerializer(serializers.Serializer):
    feedback = serializers.IntegerField()
    reported_at = serializers.DateTimeField()
