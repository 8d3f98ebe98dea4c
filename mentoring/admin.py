"""Staff create cohorts and assign mentors here. What students wrote is not shown to staff."""

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import MENTORS_GROUP, Cohort, FeedbackGuidance, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "joined_at", "left_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("members (students join with the invite link and leave on their Cohorts page)")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "invite_code", "member_count", "created_at")
    search_fields = ("name",)
    fields = ("name", "mentors", "invite_code", "invite_link")
    readonly_fields = ("invite_link",)
    filter_horizontal = ("mentors",)
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(
            members=Count("memberships", filter=Q(memberships__left_at__isnull=True))
        )

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, obj: Cohort) -> int:
        return obj.members

    @admin.display(description=_("invite link"))
    def invite_link(self, obj: Cohort) -> str:
        return obj.invite_path if obj.pk else _("(after saving)")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "mentors":
            # Only people with the mentor role; give it in Users → Groups → “Mentors”.
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(groups__name=MENTORS_GROUP).order_by("email")
            kwargs["help_text"] = _("People in the “Mentors” group. Add someone to that group on their user page first.")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(FeedbackGuidance)
class FeedbackGuidanceAdmin(admin.ModelAdmin):
    list_display = ("turn",)
    list_select_related = ("turn__lesson",)
    fields = ("turn", "guidance_md")
