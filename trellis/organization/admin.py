from django.contrib import admin

from .models import LevelOfCare, Organization, Room, Site, Track


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organization", "timezone"]
    search_fields = ["name", "code"]


@admin.register(LevelOfCare)
class LevelOfCareAdmin(admin.ModelAdmin):
    list_display = ["system", "code", "name", "rank", "active"]
    list_filter = ["system", "active"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "level_of_care", "population", "capacity", "active"]
    list_filter = ["site", "population", "active"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "kind", "capacity", "active"]
    list_filter = ["site", "kind"]
