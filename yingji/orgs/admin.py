from django.contrib import admin

from .models import Membership, OrgAlias, Organisation, OrgGroup, OrgGroupMember


class AliasInline(admin.TabularInline):
    model = OrgAlias
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "region", "is_active", "is_demo")
    list_filter = ("kind", "is_active", "is_demo")
    search_fields = ("code", "name", "aliases__name")
    autocomplete_fields = ("parent", "region")
    inlines = [AliasInline, MembershipInline]


class GroupMemberInline(admin.TabularInline):
    model = OrgGroupMember
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(OrgGroup)
class OrgGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "note")
    inlines = [GroupMemberInline]


@admin.register(OrgAlias)
class OrgAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "confirmed", "note")
    list_filter = ("confirmed",)
    search_fields = ("name", "organisation__name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "title", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__first_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
