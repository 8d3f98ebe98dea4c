"""Serializers for the Your Turn API: separate ones for what is read and what is written.

Write serializers only check the shape of a request (types, required keys; text
fields are `StrictCharField`s, taking strings only);
every rule (rating range, known categories, reflection length, word counts,
points) is the services', so the web and the API answer the same.
Read serializers render plain dicts built by `assessments.api.presenters`.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courseplatform.api.fields import StrictCharField
from lessons.api import LESSON_STATES, ProgressSerializer, TrackSummarySerializer
from lessons.models import Section, Track

from ..models import MAX_RATING, MIN_RATING, TurnStep

# --- Shared pieces ----------------------------------------------------------------------


class TextField(StrictCharField):
    """Text exactly as sent (strings only, nothing trimmed); limits and characters are the services' rules."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)



class RatingSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="The category key, e.g. technical.")
    name = serializers.CharField(help_text="The category's name when the snapshot was taken.")
    value = serializers.IntegerField(min_value=MIN_RATING, max_value=MAX_RATING)
    cluster = serializers.CharField(allow_blank=True, help_text="craft, people or empty.")


class PatternSummarySerializer(serializers.Serializer):
    sentences = serializers.ListField(child=serializers.CharField(), help_text="What the Your Turn page says.")
    highest = serializers.ListField(child=serializers.CharField(), help_text="Category keys rated highest.")
    lowest = serializers.ListField(child=serializers.CharField(), help_text="Category keys rated lowest.")
    cluster = serializers.CharField(allow_null=True, help_text="craft, people, or null when balanced or unknown.")
    far_below = serializers.ListField(child=serializers.CharField(), help_text="Possible blind spots.")


class GoalsInsightSerializer(serializers.Serializer):
    sentences = serializers.ListField(child=serializers.CharField())
    priorities = serializers.ListField(child=serializers.CharField(), help_text="Keys that matter most for my path.")
    mismatched = serializers.ListField(child=serializers.CharField(), help_text="Priorities among my lowest scores.")


class InsightsSerializer(serializers.Serializer):
    pattern_summary = PatternSummarySerializer()
    goals_insight = GoalsInsightSerializer()


class FrameworkRefSerializer(serializers.Serializer):
    slug = serializers.CharField(allow_null=True, help_text="Null when the framework has since been deleted.")
    name = serializers.CharField()


class SnapshotSerializer(serializers.Serializer):
    """A self-assessment as it was taken; list items and compare sides."""

    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    framework = FrameworkRefSerializer()
    lesson = serializers.CharField(allow_null=True, help_text="Slug of the lesson whose Your Turn it was taken in.")
    ratings = RatingSerializer(many=True)


class ReflectionVersionSerializer(serializers.Serializer):
    text = serializers.CharField()
    word_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class AttemptReflectionSerializer(serializers.Serializer):
    step = serializers.IntegerField(help_text="The step's number.")
    step_key = serializers.CharField()
    step_title = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField()
    word_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    versions = ReflectionVersionSerializer(many=True, help_text="Every saved version, oldest first.")


class SnapshotAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()


class SnapshotInsightsSerializer(SnapshotSerializer):
    insights = InsightsSerializer(help_text="What the Your Turn page reads from these ratings.")


class SnapshotDetailSerializer(SnapshotInsightsSerializer):
    attempt = SnapshotAttemptSerializer(allow_null=True, help_text="The attempt this snapshot belongs to.")
    reflections = AttemptReflectionSerializer(many=True, help_text="What I wrote in that attempt, step by step.")


class TrackRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class NextUnlockSerializer(serializers.Serializer):
    track = TrackRefSerializer()
    threshold = serializers.IntegerField()
    needed = serializers.IntegerField(help_text="Depth points still needed (0: it unlocks with the next award).")


class AnswerSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="The answer slot, from 1.")
    text = serializers.CharField()
    category = serializers.CharField(allow_null=True, help_text="The final category key, or null when not tagged.")
    category_name = serializers.CharField(allow_blank=True)
    category_suggested = serializers.BooleanField(
        help_text="True when the student left the answer untagged and the category was suggested from its "
                  "keywords; sending the answer again with a category confirms or changes it."
    )


class DraftAnswerSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)


class PromptDraftSerializer(serializers.Serializer):
    answers = DraftAnswerSerializer(many=True)
    saved_at = serializers.DateTimeField()


class CategoryChoiceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


# --- Lesson detail ------------------------------------------------------------------------


class PromptSerializer(serializers.Serializer):
    answer_count = serializers.IntegerField(help_text="How many answers the prompt asks for.")
    answer_label = serializers.CharField(allow_blank=True, help_text="What one answer is, e.g. Skill; empty: Answer.")
    labels = serializers.ListField(child=serializers.CharField(), help_text="The label of each box, e.g. Skill 1.")
    answers = AnswerSerializer(many=True, help_text="My saved answers.")
    categories = CategoryChoiceSerializer(many=True, help_text="Categories an answer may be tagged with.")
    draft = PromptDraftSerializer(allow_null=True, help_text="My unsaved answers, kept by autosave.")


class RecallSerializer(serializers.Serializer):
    prompt_section = serializers.IntegerField(allow_null=True, help_text="Id of the warm-up prompt recalled.")
    prompt_anchor = serializers.CharField(allow_blank=True)
    answers = AnswerSerializer(many=True, help_text="My answers to that prompt, shown again.")
    cluster_sentence = serializers.CharField(allow_blank=True, help_text="Where my attention clusters.")


class MediaSerializer(serializers.Serializer):
    url = serializers.CharField(
        help_text="Where to fetch the file: absolute with object storage, relative to this API's host on local disk."
    )
    content_type = serializers.CharField(help_text="Checked from the file's content on upload, e.g. audio/mpeg.")
    size = serializers.IntegerField(allow_null=True, help_text="Bytes.")


class AudioSerializer(MediaSerializer):
    description = serializers.CharField(help_text="What is heard, in words (for students who cannot hear it).")


class ImageSerializer(MediaSerializer):
    alt = serializers.CharField(help_text="What the image shows, in words.")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Section.Kind.choices)
    heading = serializers.CharField(allow_blank=True)
    anchor = serializers.CharField()
    position = serializers.IntegerField()
    body_html = serializers.CharField(allow_blank=True, help_text="Sanitised HTML.")
    prompt = PromptSerializer(allow_null=True, help_text="Warm-up prompts only.")
    recall = RecallSerializer(allow_null=True, help_text="Recall sections only.")
    audio = AudioSerializer(allow_null=True, help_text="Audio examples only: the file to play and its description.")
    image = ImageSerializer(allow_null=True, help_text="Images only: the file to show and its alt text.")


class FAQSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField()
    answer_html = serializers.CharField(allow_blank=True)


class QuickReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    term = serializers.CharField()
    summary = serializers.CharField()


class ModuleRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class BreadcrumbSerializer(serializers.Serializer):
    track = TrackSummarySerializer()
    module = ModuleRefSerializer()
    label = serializers.CharField(help_text="e.g. Lesson 3")


class NextLessonSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    module = ModuleRefSerializer()


class CategorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    cluster = serializers.CharField(allow_blank=True)
    level_descriptors = serializers.DictField(child=serializers.CharField(), help_text='e.g. {"1": "New to this"}')


class FrameworkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    categories = CategorySerializer(many=True)


class ReflectionSerializer(serializers.Serializer):
    text = serializers.CharField()
    word_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DraftSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    saved_at = serializers.DateTimeField()


class RateStepSerializer(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField(), help_text="Category keys to rate, in order.")
    latest_snapshot = serializers.IntegerField(allow_null=True, help_text="My current attempt's snapshot id.")


class TextStepSerializer(serializers.Serializer):
    max_chars = serializers.IntegerField(help_text="Longer text is refused (400), never cut.")
    min_words = serializers.IntegerField()
    rule = serializers.CharField(allow_blank=True, help_text="When a text earns the points, in plain words.")
    points_paid = serializers.BooleanField(help_text="I have been paid this step's points (once, for good).")


class GoalsStepSerializer(serializers.Serializer):
    definition_of_success = serializers.CharField(allow_blank=True)
    producer_path = serializers.CharField(allow_blank=True)
    sentences = serializers.ListField(child=serializers.CharField(), help_text="Priorities and mismatch.")


class SuccessStepSerializer(serializers.Serializer):
    saved_to = serializers.CharField(help_text="Where the text goes besides the step: my profile's definition.")


class StepSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    key = serializers.CharField(help_text="The step's stable key; points are paid once per key.")
    kind = serializers.ChoiceField(choices=TurnStep.Kind.choices)
    title = serializers.CharField()
    body_html = serializers.CharField(allow_blank=True)
    takes_reflection = serializers.BooleanField()
    required = serializers.BooleanField(help_text="Must be done before the Turn can be completed.")
    points = serializers.IntegerField(help_text="Depth points a long-enough reflection earns, once.")
    min_words = serializers.IntegerField(help_text="Words a reflection needs to earn the points.")
    reflection = ReflectionSerializer(allow_null=True, help_text="My reflection for this step in the current attempt.")
    draft = DraftSerializer(allow_null=True, help_text="My unsaved text, kept by autosave.")
    rate = RateStepSerializer(allow_null=True, help_text="Rate steps only.")
    text = TextStepSerializer(allow_null=True, help_text="Steps that take text only.")
    goals = GoalsStepSerializer(allow_null=True, help_text="Goals steps only.")
    success = SuccessStepSerializer(allow_null=True, help_text="Definition-of-success steps only.")


class AttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 for the first go; a new rating after the first starts the next.")
    started_at = serializers.DateTimeField()


class TurnPointsSerializer(serializers.Serializer):
    earned_here = serializers.IntegerField()
    possible_here = serializers.IntegerField()
    balance = serializers.IntegerField()
    next_unlock = NextUnlockSerializer(allow_null=True)


class TurnSerializer(serializers.Serializer):
    title = serializers.CharField()
    intro_html = serializers.CharField(allow_blank=True)
    estimated_minutes = serializers.IntegerField()
    expected_outcome_html = serializers.CharField(allow_blank=True)
    completion_message = serializers.CharField(allow_blank=True)
    framework = FrameworkSerializer(allow_null=True, help_text="What step 1 rates; null when there is no rating step.")
    steps = StepSerializer(many=True)
    attempt = AttemptSerializer(allow_null=True, help_text="My current attempt; null before my first save.")
    definition_of_success = serializers.CharField(allow_blank=True, help_text="From my profile, for the goals step.")
    latest_snapshot = SnapshotInsightsSerializer(
        allow_null=True, help_text="My current attempt's snapshot in this Turn (its reflections are the steps')."
    )
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    points = TurnPointsSerializer()


class LessonDetailSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    estimated_minutes = serializers.IntegerField()
    status = serializers.CharField(help_text="published; staff also see drafts as a preview.")
    content_version = serializers.IntegerField(help_text="Changes whenever authors edit the lesson: a cache key.")
    updated_at = serializers.DateTimeField()
    breadcrumb = BreadcrumbSerializer()
    sections = SectionSerializer(many=True)
    faqs = FAQSerializer(many=True)
    quick_reference = QuickReferenceSerializer(many=True)
    next_steps_html = serializers.CharField(allow_blank=True)
    next_lesson = NextLessonSerializer(allow_null=True)
    progress = ProgressSerializer()
    turn = TurnSerializer(allow_null=True, help_text="The lesson's Your Turn, or null when it has none.")


# --- Writes --------------------------------------------------------------------------------


class AnswerWriteSerializer(serializers.Serializer):
    text = TextField(help_text="The answer. Empty keeps what the slot holds unless `clear`.")
    # No defaults in the schema (a generated client would make such a field required): left out means empty/false.
    category = TextField(
        required=False, allow_null=True,
        help_text="A category key from the prompt's categories, or empty or left out (a category is then suggested).",
    )
    clear = serializers.BooleanField(required=False, help_text="Empty this slot (false if left out).")


class PromptResponseWriteSerializer(serializers.Serializer):
    section = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1,
        help_text="The warm-up prompt section's id; may be left out when the lesson has one prompt.",
    )
    answers = AnswerWriteSerializer(many=True, help_text="Slot N is item N; empty items and slots beyond keep "
                                                          "their saved answers.")
    clear = serializers.BooleanField(required=False, help_text="Empty every slot of the prompt (false if left out).")


class PromptDraftWriteSerializer(serializers.Serializer):
    section = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    answers = serializers.ListField(child=serializers.DictField(), help_text="[{text, category}, ...] as typed.")


class ReflectionDraftWriteSerializer(serializers.Serializer):
    text = TextField(help_text="What the student has typed so far.")


class PromptDraftResultSerializer(serializers.Serializer):
    section = serializers.IntegerField()
    answers = DraftAnswerSerializer(many=True)
    saved_at = serializers.DateTimeField()


class PromptResponseSerializer(serializers.Serializer):
    section = serializers.IntegerField()
    answers = AnswerSerializer(many=True)
    cluster_sentence = serializers.CharField(allow_blank=True, help_text="As the recall section will show it.")


@extend_schema_field({
    "type": "object",
    "additionalProperties": {"type": "integer", "minimum": MIN_RATING, "maximum": MAX_RATING},
    "example": {"technical": 7, "creative": 6, "interpersonal": 4, "business": 3, "personal": 6},
})
class RatingsField(serializers.DictField):
    """Category key → rating; which keys and values are valid is `snapshot_record`'s rule."""


class OfflineWriteSerializer(serializers.Serializer):
    """What makes a write made offline safe to sync later: a client-made id and the time it was made."""

    client_id = serializers.UUIDField(
        required=False,
        help_text="A UUID the app makes for this write and keeps while syncing: the same client_id again, "
                  "days later too, never writes twice (the first write is answered).",
    )
    taken_at = serializers.DateTimeField(
        required=False,
        help_text="When the student did it, with a UTC offset (offline work): at most 5 minutes ahead of the "
                  "server's clock, at most 30 days old. Left out: now.",
    )


class SnapshotWriteSerializer(OfflineWriteSerializer):
    ratings = RatingsField(help_text="One whole number from 1 to 10 for every category of the Turn's framework.")


class ReflectionWriteSerializer(OfflineWriteSerializer):
    text = TextField(
        help_text="The reflection; not empty, at most 10,000 characters (2,000 for a definition of "
                  "success). Saving again keeps the earlier version.",
    )


class DepthVerdictSerializer(serializers.Serializer):
    pays = serializers.BooleanField(help_text="The text meets the rule for this step's points.")
    reason = serializers.ChoiceField(choices=["", "too_short", "copied"], help_text="Why not, when it does not.")
    message = serializers.CharField(allow_blank=True)
    words = serializers.IntegerField()
    different_words = serializers.IntegerField()
    counted_words = serializers.IntegerField(help_text="Words that count: each different word at most 3 times.")
    min_words = serializers.IntegerField()
    rule = serializers.CharField()


class ReflectionResultSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    reflection = ReflectionSerializer()
    attempt = AttemptSerializer()
    depth = DepthVerdictSerializer(help_text="How the text measures against the points rule.")
    points_awarded = serializers.IntegerField(help_text="Points this save earned: 0 when already paid or too short.")
    balance = serializers.IntegerField(help_text="My Depth points balance after the save.")
    unlocked = TrackRefSerializer(many=True, help_text="Extension Courses this save unlocked.")
    min_words = serializers.IntegerField()
    points = serializers.IntegerField(help_text="What this step pays, once.")
    replayed = serializers.BooleanField(
        help_text="True when this client_id's save had already been made: nothing was written again."
    )


class CompletionSerializer(serializers.Serializer):
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField()
    created = serializers.BooleanField(help_text="False when the Turn was already complete.")
    message = serializers.CharField()
    lesson_state = serializers.ChoiceField(choices=LESSON_STATES)


class ChangeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    before = serializers.IntegerField(allow_null=True, help_text="Null: the category was not in the older snapshot.")
    after = serializers.IntegerField(allow_null=True, help_text="Null: the category is not in the newer snapshot.")
    delta = serializers.IntegerField(allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    before = SnapshotSerializer(help_text="The snapshot named by `from`.")
    after = SnapshotSerializer(help_text="The snapshot named by `to`.")
    changes = ChangeSerializer(many=True, help_text="Per category, matched by key.")


class LedgerLessonSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    number = serializers.IntegerField()
    title = serializers.CharField()


class LedgerStepSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()


class LedgerEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.IntegerField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    lesson = LedgerLessonSerializer(allow_null=True, help_text="The lesson whose Your Turn paid it; null if none.")
    step = LedgerStepSerializer(allow_null=True, help_text="The step that paid it; null if none.")


class DepthPointsSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    next_unlock = NextUnlockSerializer(allow_null=True, help_text="The cheapest Extension Course not yet unlocked.")
    count = serializers.IntegerField(help_text="Ledger rows in all.")
    next = serializers.URLField(allow_null=True, help_text="The next page of the ledger.")
    previous = serializers.URLField(allow_null=True)
    results = LedgerEntrySerializer(many=True, help_text="Ledger rows, newest first: why each point was paid.")


class CompareQuerySerializer(serializers.Serializer):
    """?from=<id>&to=<id>; `from` is a Python keyword, so the fields are built here."""

    def get_fields(self):
        return {
            "from": serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The older snapshot's id."),
            "to": serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The newer snapshot's id."),
        }


# --- Dashboard and skills history ------------------------------------------------------------


class ContinueSerializer(serializers.Serializer):
    lesson = NextLessonSerializer(help_text="The lesson to open.")
    track = TrackRefSerializer()
    anchor = serializers.CharField(allow_blank=True, help_text="The section to scroll to; empty: the top.")
    started = serializers.BooleanField(help_text="True: \"You were reading\"; false: \"Up next\".")


class DashboardTrackSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Track.Kind.choices)
    summary = serializers.CharField(allow_blank=True)
    is_open = serializers.BooleanField()
    unlock_threshold = serializers.IntegerField()
    points_needed = serializers.IntegerField(help_text="Depth points still needed to unlock it (0 when open).")
    lesson_count = serializers.IntegerField()
    done_count = serializers.IntegerField()
    percent_done = serializers.IntegerField()


class UnlockNoticeSerializer(serializers.Serializer):
    track = TrackRefSerializer()
    unlocked_at = serializers.DateTimeField()


class DashboardSerializer(serializers.Serializer):
    returning = serializers.BooleanField(help_text="Welcome back (true) or welcome (false), as the web says.")
    continue_point = ContinueSerializer(
        allow_null=True, help_text="Where Continue leads; null once every Core Track lesson is done."
    )
    core_tracks = DashboardTrackSerializer(many=True, help_text="Core Track progress.")
    extension_tracks = DashboardTrackSerializer(many=True, help_text="Extension Courses, locked or open.")
    depth_points = serializers.IntegerField(help_text="My Depth points balance.")
    next_unlock = NextUnlockSerializer(allow_null=True, help_text="The cheapest Extension Course not yet unlocked.")
    retake_due = serializers.DateField(
        allow_null=True, help_text="When to retake the self-assessment and compare; null before the first."
    )
    unlock_notices = UnlockNoticeSerializer(
        many=True, help_text="Courses unlocked since I was last told; mark them read with POST …/notices/read/."
    )


class NoticesReadSerializer(serializers.Serializer):
    tracks = serializers.ListField(
        child=StrictCharField(), required=False,
        help_text="Slugs of the notices read; left out: every unread notice.",
    )


class NoticesReadResultSerializer(serializers.Serializer):
    marked = TrackRefSerializer(many=True, help_text="Notices this call marked read.")
    unlock_notices = UnlockNoticeSerializer(many=True, help_text="Notices still unread.")


class ChartSeriesSerializer(serializers.Serializer):
    snapshot = serializers.IntegerField(help_text="The snapshot's id.")
    label = serializers.CharField(help_text="e.g. the date it was taken.")
    taken_at = serializers.DateTimeField()
    values = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        help_text="One per label, in order; null where this snapshot has no such category.",
    )


class ChartSerializer(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField(), help_text="Category keys, in label order.")
    labels = serializers.ListField(child=serializers.CharField(), help_text="Category names: the radar's axes.")
    series = ChartSeriesSerializer(many=True, help_text="Newest first; the web draws the first.")


class FrameworkHistorySerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="The framework's slug (archived-… for a deleted framework).")
    name = serializers.CharField()
    latest = SnapshotSerializer(allow_null=True)
    snapshots = SnapshotSerializer(many=True, help_text="Newest first.")
    chart = ChartSerializer()


class SkillsHistorySerializer(serializers.Serializer):
    frameworks = FrameworkHistorySerializer(many=True)
    retake_due = serializers.DateField(allow_null=True)
